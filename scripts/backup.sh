#!/usr/bin/env bash
# Nightly backup: pg_dump -Fc of DATABASE_URL + tar of the media files + manifest.json
# (row counts per table taken in the dump's own snapshot, sha256 of every file).
#   scripts/backup.sh [--dest DIR] [--keep N]      (defaults: $BACKUP_DIR or var/backups, keep 14)
# Reads the same environment as the application (DATABASE_URL, JIANLI_VAR_DIR, .env).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
exec "$PY" -m scripts.backup_restore backup "$@"
