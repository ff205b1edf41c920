#!/usr/bin/env bash
# Restore drill: restores a backup (default: the newest under $BACKUP_DIR or var/backups) into a
# fresh scratch database, compares row counts per table and the media files' checksums with the
# manifest, then drops the scratch database. Exit status 0 = the backup restores completely.
#   scripts/restore_drill.sh [BACKUP_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
exec "$PY" -m scripts.backup_restore drill "$@"
