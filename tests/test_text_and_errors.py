"""Issue 12 (3, 6, 7): control characters refused in one place and dropped from exports; query
parameters that would 500; e-mail subjects; DEBUG; Chinese error pages that need no database."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client, RequestFactory
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from awards.models import Enterprise
from core.documents import add_paragraph, add_table, build_workbook, docx_bytes, new_document, xlsx_bytes
from core.errors import server_error
from notifications.services import notify
from tests.factories import EnterpriseFactory

ROOT = Path(__file__).resolve().parent.parent
CONTROL = "内容含有不可见的控制字符"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _registration(**overrides):
    data = {
        "name": "监利测试制造有限公司",
        "credit_code": "91421088MA49XXXX1T",
        "address": "监利市容城镇",
        "contact_person": "张三",
        "contact_phone": "0716-1234567",
        "username": "newcompany",
        "full_name": "张三",
        "phone": "13800000000",
        "email": "zhang@example.com",
        "password1": "Sturdy#Passw0rd-1",
        "password2": "Sturdy#Passw0rd-1",
        "licence": SimpleUploadedFile("licence.png", PNG),
    }
    data.update(overrides)
    return data


# --- 3. one validator for every form field -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field,value",
    [("name", "甲\x0b乙有限公司"), ("address", "容城镇\x1b[2J"), ("contact_person", "张\x85三")],
)
def test_registration_refuses_control_characters_in_chinese_and_creates_nothing(client, policy, field, value):
    before = Enterprise.objects.count()
    response = client.post(reverse("awards:register"), _registration(**{field: value}))
    assert response.status_code == 200
    assert CONTROL in response.content.decode()
    assert Enterprise.objects.count() == before


def test_every_form_char_field_refuses_controls_and_only_a_textarea_keeps_line_breaks():
    line, area = forms.CharField(), forms.CharField(widget=forms.Textarea)
    assert area.clean("第一行\r\n第二行\t备注") == "第一行\r\n第二行\t备注"
    for bad in ("a\x0bb", "a\x1bb", "a\x7fb", "a\x9bb"):
        for field in (line, area):
            with pytest.raises(forms.ValidationError, match=CONTROL):
                field.clean(bad)
    with pytest.raises(forms.ValidationError, match=CONTROL):
        line.clean("公司\r\nBcc: x@example.com")


# --- 3. exports never fail on stored text --------------------------------------------------------


def test_xlsx_and_docx_writers_drop_what_xml_cannot_hold():
    text = "甲\x0b乙\x1b丙\x00"
    wb = load_workbook(io.BytesIO(xlsx_bytes(build_workbook([("表", ["名称"], [[text]])]))))
    assert wb.active["A2"].value == "甲乙丙"
    doc = new_document(title="议程" + text)
    add_paragraph(doc, text)
    add_table(doc, ["名称"], [[text]])
    read = Document(io.BytesIO(docx_bytes(doc)))
    assert "甲乙丙" in [p.text for p in read.paragraphs]
    assert read.tables[0].cell(1, 0).text == "甲乙丙"


@pytest.mark.django_db
def test_the_data_migration_cleans_stored_rows(policy):
    from importlib import import_module

    dirty = EnterpriseFactory(name="甲\x0b乙有限公司", address="容城镇\n东街")
    clean = EnterpriseFactory(name="干净公司")
    import_module("core.migrations.0004_clean_control_characters").clean(apps, None)
    dirty.refresh_from_db()
    assert (dirty.name, dirty.address) == ("甲乙有限公司", "容城镇 东街")
    assert Enterprise.objects.get(pk=clean.pk).name == "干净公司"


# --- 6. query parameters, e-mail headers ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/awards/office/enterprises/?q=%00",
        "/awards/office/enterprises/?q=%0B",
        "/awards/office/applications/?status=%00",
        "/awards/office/applications/?q=a%00b",
        "/awards/office/money/?year=%00",
        "/awards/office/enterprises/?%00=1",
    ],
)
def test_control_characters_in_query_parameters_are_a_chinese_400(client, users, url):
    client.force_login(users["office"])
    response = client.get(url)
    assert response.status_code == 400
    assert "请求有误" in response.content.decode()


@pytest.mark.django_db
def test_a_search_on_postgresql_with_nul_is_400_not_500(client, users, require_postgres):
    client.force_login(users["office"])
    assert client.get("/awards/office/enterprises/?q=%00").status_code == 400
    assert client.get("/awards/office/enterprises/?q=甲").status_code == 200


@pytest.mark.django_db
def test_email_subjects_built_from_names_never_carry_line_breaks(users, django_capture_on_commit_callbacks):
    from notifications.tasks import deliver_notifications

    users["office"].email = "office@example.com"
    users["office"].save()
    rows = notify(
        occasion="test:crlf",
        recipients=[users["office"]],
        subject="新企业注册待核验：恶意公司\r\nBcc: victim@example.com",
        body="正文",
    )
    email_rows = [n for n in rows if n.channel == "email"]
    assert email_rows and "\n" not in email_rows[0].subject and "\r" not in email_rows[0].subject
    deliver_notifications.run([email_rows[0].pk])
    assert len(mail.outbox) == 1
    message = mail.outbox[0].message()
    assert "victim@example.com" not in message.get("Bcc", "")
    assert "恶意公司 Bcc: victim@example.com" in mail.outbox[0].subject


# --- 7. DEBUG and the error pages -------------------------------------------------------------------


def _setting(name: str, **env_extra) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "DEBUG", "DJANGO_ENV")}
    env.update(env_extra)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; print(settings.{name})",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "jianli_quality.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_debug_is_off_unless_django_debug_is_set():
    assert _setting("DEBUG") == "False"
    assert _setting("DEBUG", DEBUG="True") == "False"  # the old name no longer switches it on
    assert _setting("DEBUG", DJANGO_DEBUG="1") == "True"


@pytest.mark.django_db
def test_404_is_chinese_in_the_sites_look_and_lists_no_url_patterns(client, users):
    client.force_login(users["enterprise_a"])
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body and "css/app.css" in body
    assert "URLconf" not in body and "admin/" not in body


@pytest.mark.django_db
def test_403_is_chinese(client, users):
    client.force_login(users["enterprise_a"])
    response = client.get(reverse("core:health"))
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_500_page_renders_without_touching_the_database():
    # no django_db mark: any query here raises
    import time

    from core import policy
    from core.models import PolicyDocument

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    # before this process has read the pack's identity: the platform's generic name, no county
    assert "系统繁忙" in body and "css/app.css" in body and "质量品牌工作平台" in body and "监利" not in body
    # once read (by any earlier request), the county's name, still without a query
    known = PolicyDocument(
        platform_name="监利市质量品牌工作平台", office_name="办公室", document_number="某号"
    )
    policy._memo.update(document=known, at=time.monotonic())
    body = server_error(RequestFactory().get("/")).content.decode()
    assert "监利市质量品牌工作平台" in body and "依据 某号" in body
    policy.forget_policy_document()


@pytest.mark.django_db
def test_500_page_is_served_when_the_database_connection_is_broken(users, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(users["office"])

    def broken(self):
        raise OperationalError("connection to server was lost")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", broken)
    response = client.get("/awards/office/enterprises/")
    assert response.status_code == 500
    assert "系统繁忙" in response.content.decode()
