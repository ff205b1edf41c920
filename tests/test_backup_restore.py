"""The backup and the restore drill against real PostgreSQL (skipped on SQLite, required in CI)."""

import json
import os
import subprocess
import threading
import time
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction

from accounts.models import User
from awards.models import Attachment, Enterprise
from awards.tests.factories import ApplicationFactory
from scripts import backup_restore
from scripts.backup_restore import (
    MANIFEST,
    PARTIAL_STALE_SECONDS,
    Database,
    backup,
    database_exists,
    prune,
    restore_drill,
)

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


def test_prune_removes_partial_directories_left_by_killed_runs(tmp_path):
    stale = tmp_path / "20260101-020000.partial"
    running = tmp_path / "20260102-020000.partial"
    for path in (stale, running):
        path.mkdir()
    old = time.time() - PARTIAL_STALE_SECONDS - 60
    os.utime(stale, (old, old))

    assert prune(tmp_path, keep=2) == [stale]
    assert running.exists() and not stale.exists()


@pytest.mark.postgres
@postgres_db
def test_a_failed_backup_leaves_no_partial_directory(pg, policy, settings, tmp_path):
    with (
        mock.patch("scripts.backup_restore._run", side_effect=RuntimeError("pg_dump failed (1): disk full")),
        pytest.raises(RuntimeError),
    ):
        backup(db=pg, media_root=Path(settings.MEDIA_ROOT), dest=tmp_path / "backups")
    assert list((tmp_path / "backups").iterdir()) == []


def _churn(application, user, stop: threading.Event, counts: dict, limit: int = 300):
    """Upload and delete attachments as fast as the database allows, as users would during a backup."""
    storage = Attachment._meta.get_field("file").storage
    try:
        for i in range(limit):
            if stop.is_set():
                break
            with transaction.atomic():
                Attachment.objects.create(
                    application=application,
                    file=ContentFile(b"%PDF-1.4 churn " + str(i).encode() * 50, name=f"churn-{i}.pdf"),
                    original_name=f"churn-{i}.pdf",
                    size=10,
                    uploaded_by=user,
                )
            counts["uploaded"] += 1
            victim = Attachment.objects.order_by("?").first()
            if victim is not None and i % 2:
                with transaction.atomic():  # as attachment_remove does: the file goes once committed
                    name = victim.file.name
                    victim.delete()
                    transaction.on_commit(lambda n=name: storage.delete(n))
                counts["deleted"] += 1
    finally:
        connection.close()


@pytest.mark.postgres
@postgres_db
def test_backups_taken_while_files_are_uploaded_and_deleted_hold_every_file_the_database_refers_to(
    pg, users, settings, tmp_path
):
    application = ApplicationFactory()
    user = users["enterprise_a"]
    for i in range(20):
        Attachment.objects.create(
            application=application,
            file=ContentFile(b"%PDF-1.4 first " + str(i).encode(), name=f"first-{i}.pdf"),
            original_name=f"first-{i}.pdf",
            size=10,
            uploaded_by=user,
        )
    real_add = backup_restore._add_file

    def slow_add(tar, path, arcname):  # a big archive: files change while it is written
        time.sleep(0.01)
        return real_add(tar, path, arcname)

    stop, counts = threading.Event(), {"uploaded": 0, "deleted": 0}
    churn = threading.Thread(target=_churn, args=(application, user, stop, counts))
    targets = []
    with mock.patch.object(backup_restore, "_add_file", side_effect=slow_add):
        churn.start()
        try:
            for _ in range(2):
                targets.append(backup(db=pg, media_root=Path(settings.MEDIA_ROOT), dest=tmp_path / "backups"))
        finally:
            stop.set()
            churn.join(timeout=60)
    assert counts["uploaded"] > 5 and counts["deleted"] > 2, counts  # the files really changed meanwhile
    assert not list((tmp_path / "backups").glob("*.partial"))
    for target in targets:
        manifest = _manifest(target)
        assert manifest["references"]["lost"] == []
        report = restore_drill(backup_dir=target, db=pg)
        assert report.ok, report.summary()
        assert report.references_checked == manifest["references"]["files"] >= 20


@pytest.mark.postgres
@postgres_db
def test_the_drill_reports_a_file_the_restored_database_refers_to_but_the_archive_lacks(
    pg, users, settings, tmp_path
):
    attachment = Attachment.objects.create(
        application=ApplicationFactory(),
        file=ContentFile(b"%PDF-1.4 evidence", name="evidence.pdf"),
        original_name="evidence.pdf",
        size=10,
        uploaded_by=users["enterprise_a"],
    )
    (Path(settings.MEDIA_ROOT) / attachment.file.name).unlink()  # lost before the backup, trash purged
    target = backup(db=pg, media_root=Path(settings.MEDIA_ROOT), dest=tmp_path / "backups")
    assert _manifest(target)["references"]["lost"] == [attachment.file.name]

    report = restore_drill(backup_dir=target, db=pg)

    assert report.problems == [
        f"the restored database refers to a file not in the archive: {attachment.file.name}"
    ]
