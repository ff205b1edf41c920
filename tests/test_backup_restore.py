"""The backup and the restore drill against real PostgreSQL (skipped on SQLite, required in CI)."""

import json
import os
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from accounts.models import User
from awards.models import Enterprise
from scripts.backup_restore import MANIFEST, Database, backup, database_exists, prune, restore_drill

ROOT = Path(__file__).resolve().parent.parent

postgres_db = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pg(require_postgres):
    return Database.from_settings(connection.settings_dict)


@pytest.fixture
def uploads(settings):
    names = [
        default_storage.save("enterprises/licences/2026/甲企业执照.pdf", ContentFile(b"%PDF-1.4 licence a")),
        default_storage.save(
            "awards/attachments/2026/证书.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"x" * 500)
        ),
    ]
    return names


def _manifest(backup_dir: Path) -> dict:
    return json.loads((backup_dir / MANIFEST).read_text())


@pytest.mark.postgres
@postgres_db
@pytest.mark.usefixtures("users")
def test_backup_restores_into_a_fresh_database_with_every_row_and_file(pg, uploads, settings, tmp_path):
    target = backup(db=pg, media_root=Path(settings.MEDIA_ROOT), dest=tmp_path / "backups")

    manifest = _manifest(target)
    assert manifest["tables"]["public.accounts_user"] == User.objects.count() == 8
    assert manifest["tables"]["public.awards_enterprise"] == Enterprise.objects.count()
    assert manifest["tables"]["public.committee_memberunit"] > 50  # the policy's roster
    assert set(manifest["media"]["files"]) == set(uploads)
    assert not list((tmp_path / "backups").glob("*.partial"))

    report = restore_drill(backup_dir=target, db=pg)

    assert report.ok, report.summary()
    assert report.tables_checked == len(manifest["tables"])
    assert report.rows_checked == sum(manifest["tables"].values())
    assert report.files_checked == 2
    assert report.scratch_database.startswith("jianli_drill_")
    assert not database_exists(pg, report.scratch_database)


@pytest.mark.postgres
@postgres_db
def test_drill_reports_rows_and_files_that_do_not_match_the_manifest(pg, policy, uploads, settings, tmp_path):
    target = backup(db=pg, media_root=Path(settings.MEDIA_ROOT), dest=tmp_path / "backups")
    manifest = _manifest(target)
    manifest["tables"]["public.committee_memberunit"] += 1
    manifest["media"]["files"][uploads[0]]["sha256"] = "0" * 64
    manifest["media"]["files"]["gone/missing.pdf"] = {"sha256": "1" * 64, "bytes": 1}
    (target / MANIFEST).write_text(json.dumps(manifest))

    report = restore_drill(backup_dir=target, db=pg)

    assert not report.ok
    assert any("public.committee_memberunit" in p and "rows restored" in p for p in report.problems)
    assert f"media file differs (sha256): {uploads[0]}" in report.problems
    assert "media file missing after restore: gone/missing.pdf" in report.problems
    assert len(report.problems) == 3
    assert not database_exists(pg, report.scratch_database)


@pytest.mark.postgres
@postgres_db
def test_drill_refuses_a_damaged_dump_without_creating_a_database(pg, policy, settings, tmp_path):
    target = backup(db=pg, media_root=Path(settings.MEDIA_ROOT), dest=tmp_path / "backups")
    dump = target / "db.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    report = restore_drill(backup_dir=target, db=pg)

    assert report.problems == ["db.dump is damaged (sha256 differs from the manifest)"]
    assert not database_exists(pg, report.scratch_database)


@pytest.mark.postgres
@postgres_db
def test_shell_scripts_back_up_and_drill_with_the_application_settings(pg, policy, tmp_path):
    """What cron runs: scripts/backup.sh then scripts/restore_drill.sh, configured by the environment."""
    var_dir = tmp_path / "var"
    (var_dir / "media" / "reports").mkdir(parents=True)
    (var_dir / "media" / "reports" / "2026上半年.xlsx").write_bytes(b"PK\x03\x04 report")
    auth = quote(pg.user or "postgres") + (":" + quote(pg.password) if pg.password else "")
    url = f"postgres://{auth}@{pg.host or '127.0.0.1'}:{pg.port or 5432}/{pg.name}"
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.update(DATABASE_URL=url, JIANLI_VAR_DIR=str(var_dir), BACKUP_DIR=str(tmp_path / "backups"))

    made = subprocess.run(
        ["scripts/backup.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert made.returncode == 0, made.stderr
    assert "备份完成" in made.stdout and "1 media files" in made.stdout

    drill = subprocess.run(
        ["scripts/restore_drill.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert drill.returncode == 0, drill.stdout + drill.stderr
    assert "恢复演练通过" in drill.stdout and "1 media files compared" in drill.stdout


def test_prune_keeps_only_the_newest_complete_backups(tmp_path):
    for name in ("20260101-020000", "20260102-020000", "20260103-020000", "20260104-020000"):
        (tmp_path / name).mkdir()
        (tmp_path / name / MANIFEST).write_text("{}")
    (tmp_path / "20260105-020000.partial").mkdir()  # an interrupted run is not counted as a backup

    deleted = prune(tmp_path, keep=2)

    assert [p.name for p in deleted] == ["20260101-020000", "20260102-020000"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "20260103-020000",
        "20260104-020000",
        "20260105-020000.partial",
    ]
