"""Stored files: checksums at write, verified downloads, check_files, full or read-only disk, rollbacks."""

import errno
import hashlib
import os
import time
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from awards.models import Application, Attachment
from awards.tests.factories import PDF_BYTES, pdf
from core.models import FileCheckRun, StoredFile
from core.policy import remembered_policy_document
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def enterprise_user(users):
    user = users["enterprise_a"]
    user.enterprise.verified_at = timezone.now()
    user.enterprise.save()
    return user


def _application_post(**extra):
    return {
        "intent": "submit",
        "reward_item": "national_standard",
        "award_date": "2023-05-01",
        "reference": "GB/T 43210-2023",
        "issuing_body": "国家市场监督管理总局",
        "description": "本企业主导起草的国家标准",
        "attachments": pdf(),
        "declaration": "on",
        **extra,
    }


def _submit(client, user, **extra):
    client.force_login(user)
    return client.post(reverse("awards:application_create"), _application_post(**extra))


def _media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _download(client, attachment):
    return client.get(reverse("awards:attachment_download", args=[attachment.application_id, attachment.pk]))


def test_an_uploaded_attachment_gets_its_sha256_when_it_is_written(client, enterprise_user):
    assert _submit(client, enterprise_user).status_code == 302
    attachment = Attachment.objects.get()
    record = StoredFile.objects.get(name=attachment.file.name)
    assert record.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert record.size == len(PDF_BYTES)


def test_a_truncated_attachment_is_refused_with_a_chinese_message_and_the_office_told_once(
    client, enterprise_user, users, settings
):
    _submit(client, enterprise_user)
    attachment = Attachment.objects.get()
    assert _download(client, attachment).status_code == 200
    path = Path(settings.MEDIA_ROOT) / attachment.file.name
    path.write_bytes(PDF_BYTES[:20])  # a disk fault cut the file short
    for _ in range(2):
        response = _download(client, attachment)
        assert response.status_code == 404
        text = response.content.decode()
        assert "已损坏" in text and "已自动通知办公室" in text
    alerts = Notification.objects.filter(recipient=users["office"], occasion__startswith="file:damaged:")
    assert alerts.filter(channel="inapp").count() == 1
    assert "check_files" in alerts.first().body
    assert path.read_bytes() == PDF_BYTES[:20]  # nothing changed on disk


def test_a_missing_attachment_says_so_and_alerts_the_office(client, enterprise_user, users, settings):
    _submit(client, enterprise_user)
    attachment = Attachment.objects.get()
    (Path(settings.MEDIA_ROOT) / attachment.file.name).unlink()
    response = _download(client, attachment)
    assert response.status_code == 404
    assert "缺失" in response.content.decode()
    assert Notification.objects.filter(
        recipient=users["office"], occasion__startswith="file:missing:", channel="inapp"
    ).exists()


def test_check_files_lists_missing_damaged_and_orphan_files(client, enterprise_user, settings, capsys):
    _submit(client, enterprise_user)
    first = Attachment.objects.get()
    second = Attachment.objects.create(
        application=first.application,
        file=ContentFile(PDF_BYTES, name="第二份.pdf"),
        size=len(PDF_BYTES),
        uploaded_by=enterprise_user,
    )
    root = Path(settings.MEDIA_ROOT)
    (root / first.file.name).unlink()
    (root / second.file.name).write_bytes(b"%PDF-1.4 tampered")
    orphan = root / "awards" / "left-behind.pdf"
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"%PDF-1.4 nobody refers to me")
    recent = root / "awards" / "being-written.pdf"
    recent.write_bytes(b"%PDF-1.4 a request has not committed yet")
    old = time.time() - 2 * 3600
    os.utime(orphan, (old, old))
    call_command("check_files")
    out = capsys.readouterr().out
    assert f"缺失\t{first.file.name}" in out
    assert f"损坏\t{second.file.name}" in out
    assert "无主\tawards/left-behind.pdf" in out
    assert "being-written" not in out
    run = FileCheckRun.objects.get()
    assert (run.missing, run.damaged, run.orphans) == (
        [first.file.name],
        [second.file.name],
        ["awards/left-behind.pdf"],
    )
    with pytest.raises(Exception, match="缺失 1，损坏 1"):
        call_command("check_files", "--fail")
    call_command("check_files", "--delete-orphans")
    assert not orphan.exists() and recent.exists()


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_a_full_or_read_only_disk_keeps_the_form_and_saves_nothing(client, enterprise_user, settings, code):
    # tests run as root, for whom chmod does not make a directory read-only: the storage's write fails
    # at the file-system boundary instead, as it does on a full or read-only-mounted var/
    with mock.patch.object(FileSystemStorage, "_save", side_effect=OSError(code, os.strerror(code))):
        response = _submit(client, enterprise_user)
    assert response.status_code == 200
    text = response.content.decode()
    assert "服务器存储空间已满或暂时只读" in text and "您填写的内容已保留" in text
    assert "GB/T 43210-2023" in text and "本企业主导起草的国家标准" in text  # what the user typed
    assert not Application.objects.exists() and not Attachment.objects.exists()
    assert not StoredFile.objects.exists() and _media_files(settings) == []


@pytest.mark.django_db(transaction=True)
def test_an_upload_whose_transaction_rolls_back_leaves_no_file(enterprise_user, settings):
    client = Client(raise_request_exception=False)
    # the database fails after the attachment was written (connection dropped, deadlock victim)
    with mock.patch(
        "awards.services.applications._notify_office_of_submission",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        response = _submit(client, enterprise_user)
    assert response.status_code == 500
    assert not Application.objects.exists() and not Attachment.objects.exists()
    assert not StoredFile.objects.exists()
    assert _media_files(settings) == []  # the file written before the rollback was removed
    # the same submission afterwards goes through and keeps its file
    assert _submit(client, enterprise_user).status_code == 302
    assert len(_media_files(settings)) == 1 and StoredFile.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_upload_whose_database_connection_is_terminated_leaves_no_file(
    require_postgres, enterprise_user, settings
):
    from django.db import connection

    client = Client(raise_request_exception=False)

    def terminate_own_backend(application):
        # what an administrator's pg_terminate_backend or a PostgreSQL restart does to the request
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")

    with mock.patch(
        "awards.services.applications._notify_office_of_submission", side_effect=terminate_own_backend
    ):
        response = _submit(client, enterprise_user)
    assert response.status_code == 500
    body = response.content.decode()  # the error page needs no database: a body, in Chinese
    # the platform name this process remembers (the generic one if it never read the pack)
    assert "系统繁忙" in body and remembered_policy_document().platform_name in body
    connection.close()  # the test's own connection was the one terminated
    assert not Application.objects.exists() and not Attachment.objects.exists()
    assert not StoredFile.objects.exists()
    assert _media_files(settings) == []


def test_a_deleted_file_waits_in_the_trash_and_is_purged_after_two_days(settings):
    from core.storage import TRASH, CheckedFileSystemStorage

    storage = CheckedFileSystemStorage()
    name = storage.save("awards/old.pdf", ContentFile(b"%PDF-1.4 old"))
    storage._delete_now(name)
    trashed = Path(settings.MEDIA_ROOT) / TRASH / name
    assert trashed.exists() and not storage.exists(name) and not StoredFile.objects.filter(name=name).exists()
    assert storage.purge_trash() == 0  # kept for a backup taken meanwhile
    old = time.time() - 2 * 24 * 3600 - 60
    os.utime(trashed, (old, old))
    assert storage.purge_trash() == 1 and not trashed.exists()


def test_check_files_record_takes_checksums_of_files_stored_before_checksums_existed(
    client, enterprise_user, capsys
):
    _submit(client, enterprise_user)
    attachment = Attachment.objects.get()
    StoredFile.objects.all().delete()  # as for a file uploaded before this release
    call_command("check_files")
    assert f"未登记校验值\t{attachment.file.name}" in capsys.readouterr().out
    call_command("check_files", "--record")
    record = StoredFile.objects.get(name=attachment.file.name)
    assert record.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    call_command("check_files")
    assert "未登记校验值" not in capsys.readouterr().out.split("共核对")[0]


def _pending_entries(settings) -> list[Path]:
    from core.storage import PENDING

    return sorted((Path(settings.MEDIA_ROOT) / PENDING).glob("*.json"))


def _dead_pid() -> int:
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid  # finished and reaped: no such process any more


@pytest.mark.django_db(transaction=True)
def test_a_committed_upload_leaves_no_pending_entry(enterprise_user, settings):
    assert _submit(Client(), enterprise_user).status_code == 302
    assert _pending_entries(settings) == []
    assert [p.name for p in _media_files(settings)] == [Path(Attachment.objects.get().file.name).name]


def test_an_abandoned_write_is_an_orphan_at_once_and_a_live_one_is_not(
    client, enterprise_user, settings, capsys
):
    import json
    import socket

    from core.storage import PENDING

    _submit(client, enterprise_user)  # one committed attachment: neither orphan nor pending
    root = Path(settings.MEDIA_ROOT)
    (root / "awards").mkdir(parents=True, exist_ok=True)
    (root / PENDING).mkdir(exist_ok=True)
    now = time.time()
    for stem, pid in (("dead", _dead_pid()), ("live", os.getpid())):
        (root / "awards" / f"{stem}.pdf").write_bytes(b"%PDF-1.4 written, never committed")
        (root / PENDING / f"{stem}.json").write_text(
            json.dumps({"name": f"awards/{stem}.pdf", "pid": pid, "host": socket.gethostname(), "at": now})
        )
    committed = Attachment.objects.get().file.name
    (root / PENDING / "committed.json").write_text(  # its writer died after the commit
        json.dumps({"name": committed, "pid": _dead_pid(), "host": socket.gethostname(), "at": now})
    )
    call_command("check_files")
    out = capsys.readouterr().out
    assert "无主\tawards/dead.pdf" in out and "live.pdf" not in out and committed not in out
    mine = {"dead.json", "live.json", "committed.json"}
    assert sorted(p.name for p in _pending_entries(settings) if p.name in mine) == ["dead.json", "live.json"]
    call_command("check_files", "--delete-orphans")
    assert (root / ".trash" / "awards" / "dead.pdf").exists() and not (root / "awards" / "dead.pdf").exists()
    assert (root / "awards" / "live.pdf").exists() and (root / committed).exists()
    assert [p.name for p in _pending_entries(settings) if p.name in mine] == ["live.json"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_request_killed_between_the_upload_and_the_commit_leaves_an_orphan_check_files_lists(
    require_postgres, enterprise_user, settings, tmp_path, capsys
):
    import subprocess
    import sys

    from django.db import connection

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jianli_quality.settings",
        "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(
            **{k: connection.settings_dict[k] or "" for k in ("USER", "HOST", "PORT", "NAME")}
        ),
        "JIANLI_VAR_DIR": str(tmp_path),  # MEDIA_ROOT is tmp_path/"media", as in this test
        "REDIS_URL": "",
    }
    assert Path(settings.MEDIA_ROOT) == tmp_path / "media"
    result = subprocess.run(
        [sys.executable, "-m", "core.tests.killed_upload", enterprise_user.username],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == -9, result.stderr[-3000:]  # SIGKILL, mid-request
    name = result.stdout.strip().splitlines()[-1]
    written = Path(settings.MEDIA_ROOT) / name
    assert written.is_file()  # the file was written ...
    assert not Application.objects.exists() and not Attachment.objects.exists()  # ... nothing committed
    assert not StoredFile.objects.exists()
    assert len(_pending_entries(settings)) == 1
    call_command("check_files")
    assert f"无主\t{name}" in capsys.readouterr().out  # at once, not an hour later
    assert FileCheckRun.objects.latest("id").orphans == [name]
    call_command("check_files", "--delete-orphans")
    assert "已删除 1 个无主文件" in capsys.readouterr().out
    assert not written.exists() and (Path(settings.MEDIA_ROOT) / ".trash" / name).is_file()
    assert _pending_entries(settings) == []
    call_command("check_files")
    assert "无主 0" in capsys.readouterr().out
