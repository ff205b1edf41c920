"""Proof of the hardening points of issue 7 (what SECURITY.md promises, tested).

Login lockout and the password-change form are proved in tests/test_roles_and_pages.py and
`check --deploy` in tests/test_settings.py; they are not repeated here.
"""

import datetime
import io
import json
import os
import struct
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, get_resolver, resolve, reverse
from openpyxl import load_workbook

from core.errors import ServiceError
from core.uploads import SheetLimits, open_workbook, validate_upload
from tests.factories import TEST_PASSWORD

LIMITS = SheetLimits(rows=100, columns=10)

ROOT = Path(__file__).resolve().parent.parent

# --- a minimal xlsx written by hand, so each XML part can be made hostile ---------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _sheet_xml(cell: str, prolog: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet {_NS}>'
        f'<dimension ref="A1:A1"/><sheetData><row r="1">{cell}</row></sheetData></worksheet>'
    )


def _shared_strings_xml(text: str, prolog: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<sst {_NS} count="1" uniqueCount="1">'
        f"<si><t>{text}</t></si></sst>"
    )


def _xlsx(*, sheet: str, shared_strings: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", shared_strings)
    return out.getvalue()


def _upload(data: bytes, name: str = "导入.xlsx", content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _all_values(workbook) -> list:
    return [value for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for value in row]


# --- response headers ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/healthz/", "/accounts/login/"])
def test_every_page_carries_csp_frame_nosniff_and_referrer_headers(client, policy, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = {
        part.split()[0]: part.split()[1:]
        for part in (p.strip() for p in response["Content-Security-Policy"].split(";"))
        if part
    }
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no inline or eval'd script can run
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


_PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
c = Client(HTTP_HOST="zlpt.jianli.gov.cn")
https = c.get("/healthz/", secure=True)
http = c.get("/healthz/")
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": settings.SESSION_COOKIE_HTTPONLY,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_PROXY_SSL_HEADER": settings.SECURE_PROXY_SSL_HEADER,
    "https_status": https.status_code,
    "hsts": https.headers.get("Strict-Transport-Security"),
    "http_status": http.status_code,
    "http_location": http.headers.get("Location"),
}))
"""


def test_production_settings_use_secure_cookies_hsts_and_https_redirect():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS")
    }
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY="k3y-" + "abcdefghij" * 6,
        ALLOWED_HOSTS="zlpt.jianli.gov.cn",
        DJANGO_SETTINGS_MODULE="jianli_quality.settings",
    )
    result = subprocess.run(
        [sys.executable, "-c", _PRODUCTION_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["DEBUG"] is False
    assert probe["SESSION_COOKIE_SECURE"] is True
    assert probe["CSRF_COOKIE_SECURE"] is True
    assert probe["SESSION_COOKIE_HTTPONLY"] is True
    assert probe["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert probe["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert probe["https_status"] == 200
    assert "max-age=31536000" in probe["hsts"] and "includeSubDomains" in probe["hsts"]
    assert probe["http_status"] == 301
    assert probe["http_location"] == "https://zlpt.jianli.gov.cn/healthz/"


# --- sessions, CSRF, passwords, admin -----------------------------------------------------------


@pytest.mark.django_db
def test_session_cookie_is_httponly_samesite_and_ends_with_the_browser(client, users):
    response = client.post(
        reverse("accounts:login"), {"username": "office1", "password": TEST_PASSWORD}, follow=False
    )
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert not cookie["max-age"] and not cookie["expires"]  # a session cookie: gone when the browser closes


@pytest.mark.django_db
def test_session_expires_after_idle_time_but_activity_keeps_it_alive(client, users):
    idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    workbench = reverse("core:workbench")
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(users["office"])
        assert client.get(workbench).status_code == 200
        # active use: each request moves the idle deadline, so the session outlives SESSION_COOKIE_AGE
        for _ in range(3):
            traveller.shift(idle * 0.6)
            assert client.get(workbench).status_code == 200
        traveller.shift(idle + datetime.timedelta(seconds=1))
        response = client.get(workbench)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_login_post_without_csrf_token_is_refused(users):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "office1", "password": TEST_PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "password",
    ["Ab#12345", "1234567890123", "password1234", "office1#26"],
    ids=["too-short", "all-digits", "common", "like-username"],
)
def test_weak_passwords_are_refused_by_the_validators(password):
    from django.contrib.auth.password_validation import validate_password

    from accounts.models import User

    with pytest.raises(ValidationError):
        validate_password(password, user=User(username="office1", full_name="办公室甲"))


@pytest.mark.django_db
def test_django_admin_refuses_a_superuser_whose_role_is_not_admin(client, users):
    office = users["office"]
    office.is_staff = office.is_superuser = True
    office.save()
    client.force_login(office)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# --- uploads: content, size, zip bombs, XXE -----------------------------------------------------


def test_openpyxl_parses_through_defusedxml():
    import defusedxml  # noqa: F401
    import openpyxl.xml
    from openpyxl.xml import functions

    assert openpyxl.xml.DEFUSEDXML is True
    assert functions.iterparse.__module__.startswith("defusedxml")


_SECRET_TEXT = "TOP-SECRET-42"


def _hostile_prolog(secret_path: Path, kind: str) -> str:
    if kind == "external-entity":
        return f'<!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret_path}">]>'
    # billion laughs: nested internal entities that expand exponentially
    lol = ['<!ENTITY e0 "lol">'] + [f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 10)]
    return f'<!DOCTYPE x [{"".join(lol)}<!ENTITY e "&e9;">]>'


@pytest.mark.parametrize("kind", ["external-entity", "billion-laughs"])
@pytest.mark.parametrize("part", ["sharedStrings", "sheet"])
def test_xlsx_with_xml_entities_is_refused_and_never_expanded(tmp_path, kind, part):
    secret = tmp_path / "secret.txt"
    secret.write_text(_SECRET_TEXT)
    prolog = _hostile_prolog(secret, kind)
    if part == "sheet":
        data = _xlsx(
            sheet=_sheet_xml('<c r="A1" t="inlineStr"><is><t>&e;</t></is></c>', prolog),
            shared_strings=_shared_strings_xml("ok"),
        )
    else:
        data = _xlsx(
            sheet=_sheet_xml('<c r="A1" t="s"><v>0</v></c>'),
            shared_strings=_shared_strings_xml("&e;", prolog),
        )
    upload = _upload(data)
    assert validate_upload(upload, kinds=("xlsx",), max_bytes=settings.MAX_XLSX_BYTES) == "xlsx"
    started = time.perf_counter()
    with pytest.raises(ValidationError) as excinfo:
        _all_values(open_workbook(upload, limits=LIMITS))
    assert time.perf_counter() - started < 2
    assert excinfo.value.code == "bad_xlsx"
    assert _SECRET_TEXT not in str(excinfo.value)


def test_the_hand_written_xlsx_is_readable_when_it_is_not_hostile():
    """Guards the XXE test above: the refusal comes from the entity, not from a broken file."""
    data = _xlsx(sheet=_sheet_xml('<c r="A1" t="s"><v>0</v></c>'), shared_strings=_shared_strings_xml("监利"))
    upload = _upload(data)
    validate_upload(upload, kinds=("xlsx",))
    assert _all_values(open_workbook(upload, limits=LIMITS)) == ["监利"]


def _zip_bomb(*, megabytes: int) -> bytes:
    """An xlsx-looking archive whose sheet inflates to ``megabytes`` MiB of zeros."""
    out = io.BytesIO()
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for _ in range(megabytes):
                sheet.write(chunk)
    return out.getvalue()


def _measure(func):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        func()
    finally:
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return elapsed, peak


@pytest.mark.parametrize(
    "megabytes",
    [20, 120],
    ids=["compression-ratio-too-high", "expands-beyond-the-limit"],
)
def test_zip_bomb_xlsx_is_rejected_fast_without_inflating_it(megabytes):
    data = _zip_bomb(megabytes=megabytes)
    assert len(data) < settings.MAX_XLSX_BYTES  # small on the wire: only the archive reveals it
    upload = _upload(data, "统计表.xlsx")
    errors = []

    def check():
        try:
            validate_upload(upload, kinds=("xlsx",), max_bytes=settings.MAX_XLSX_BYTES)
        except ValidationError as exc:
            errors.append(exc)

    elapsed, peak = _measure(check)
    assert errors and errors[0].code == "zip_bomb"
    assert "压缩炸弹" in errors[0].messages[0]
    assert elapsed < 0.5
    assert peak < 2 * 1024 * 1024  # the archive's directory is read, never its contents


def test_zip_bomb_that_lies_about_its_size_is_cut_off_at_the_declared_size():
    """A bomb whose directory declares 1 KB passes the size check; inflating stops at 1 KB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _ROOT_RELS),
            ("xl/workbook.xml", _WORKBOOK),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
            ("xl/sharedStrings.xml", _shared_strings_xml("ok")),
        ):
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            for _ in range(150):
                sheet.write(b" " * (1 << 20))
    data = bytearray(out.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    struct.pack_into("<I", data, info.header_offset + 22, 1000)  # local header: uncompressed size
    entry = data.find(b"PK\x01\x02")
    while entry != -1:
        name_length = struct.unpack_from("<H", data, entry + 28)[0]
        if bytes(data[entry + 46 : entry + 46 + name_length]) == b"xl/worksheets/sheet1.xml":
            struct.pack_into("<I", data, entry + 24, 1000)  # central directory: uncompressed size
        entry = data.find(b"PK\x01\x02", entry + 4)
    upload = _upload(bytes(data))
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml").file_size == 1000
    validate_upload(upload, kinds=("xlsx",))
    errors = []

    def read():
        try:
            _all_values(open_workbook(upload, limits=LIMITS))
        except ValidationError as exc:
            errors.append(exc)

    elapsed, peak = _measure(read)
    assert errors and errors[0].code == "bad_xlsx"
    assert peak < 16 * 1024 * 1024  # 150 MB of content never reach memory
    assert elapsed < 2


@pytest.mark.parametrize(
    "name,content,code",
    [
        ("营业执照.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "bad_type"),
        ("证书.png", b"<html><script>alert(1)</script></html>", "bad_type"),
        ("证书.jpg", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "bad_extension"),
        ("setup.exe", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "bad_extension"),
        ("统计表.xlsx", b"PK\x03\x04not really a zip archive", "not_xlsx"),
        ("空文件.pdf", b"", "empty"),
    ],
    ids=["exe-named-pdf", "html-named-png", "pdf-named-jpg", "pdf-named-exe", "broken-zip", "empty"],
)
def test_disguised_or_broken_uploads_are_refused_by_content(name, content, code):
    upload = _upload(content, name, content_type="application/pdf")
    with pytest.raises(ServiceError) as excinfo:  # the platform's one refusal (a ValidationError)
        validate_upload(upload, kinds=("pdf", "jpg", "png", "xlsx"))
    assert excinfo.value.code == code
    assert excinfo.value.messages[0]  # a Chinese sentence for the user


def test_oversized_upload_is_refused_before_its_content_is_read(settings):
    settings.MAX_ATTACHMENT_BYTES = 1024
    upload = _upload(b"%PDF-1.7\n" + b"0" * 2048, "证明材料.pdf")
    with pytest.raises(ValidationError) as excinfo:
        validate_upload(upload)
    assert excinfo.value.code == "too_large"
    assert "超过上限" in excinfo.value.messages[0]


# --- uploaded files are never public ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", [settings.MEDIA_URL, "/media/", "/uploads/"])
def test_an_existing_upload_is_not_reachable_by_url(client, users, prefix):
    stored = default_storage.save("enterprises/licences/2026/licence.pdf", ContentFile(b"%PDF-1.4 private"))
    assert default_storage.exists(stored)
    client.force_login(users["office"])  # not even the office reaches it by path
    response = client.get(prefix + stored)
    assert response.status_code == 404
    assert b"private" not in response.content
    with pytest.raises(Resolver404):
        resolve(prefix + stored)


def test_no_url_pattern_serves_files_from_disk():
    from django.contrib.staticfiles.views import serve as staticfiles_serve
    from django.views.static import serve as static_serve

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern.url_patterns)
            else:
                yield pattern

    offenders = [
        str(p.pattern)
        for p in walk(get_resolver().url_patterns)
        if p.callback in (static_serve, staticfiles_serve)
    ]
    assert offenders == []


@pytest.mark.django_db  # the stored file's checksum is read from the database
def test_protected_download_is_an_attachment_that_browsers_may_not_sniff():
    from django.db.models.fields.files import FieldFile
    from django.http import Http404

    from awards.models import Enterprise
    from core.files import serve_protected_file

    name = default_storage.save("enterprises/licences/2026/执照.pdf", ContentFile(b"%PDF-1.4 x"))
    field = Enterprise._meta.get_field("licence")
    response = serve_protected_file(FieldFile(Enterprise(), field, name))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    response.file_to_stream.close()  # not response.close(): that fires request_finished
    with pytest.raises(Http404):
        serve_protected_file(FieldFile(Enterprise(), field, "enterprises/licences/2026/gone.pdf"))


# --- exports: formula escaping ------------------------------------------------------------------

_FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", '=HYPERLINK("http://evil.example","点我")']


def _reload(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def test_project_workbooks_write_formula_looking_text_as_plain_text():
    from core.documents import build_workbook, xlsx_bytes

    rows = [[value, 1] for value in _FORMULAS] + [["-5", 2], ["监利", 3]]
    ws = _reload(xlsx_bytes(build_workbook([("导出", ["内容", "序号"], rows)])))
    cells = [ws.cell(row=i, column=1) for i in range(2, len(rows) + 2)]
    assert all(cell.data_type == "s" for cell in cells)  # never "f" (formula)
    assert [c.value for c in cells[: len(_FORMULAS)]] == ["'" + v for v in _FORMULAS]
    assert [c.value for c in cells[len(_FORMULAS) :]] == ["-5", "监利"]  # numbers and text untouched


def test_import_export_escapes_formulae_on_export():
    import tablib
    from import_export.formats.base_formats import XLSX

    assert settings.IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is True
    dataset = tablib.Dataset(["=cmd|' /C calc'!A0"], ['=HYPERLINK("http://evil.example")'], headers=["内容"])
    ws = _reload(XLSX().export_data(dataset))
    values = [ws.cell(row=i, column=1) for i in (2, 3)]
    assert all(cell.data_type == "s" and not str(cell.value).startswith("=") for cell in values)


@pytest.mark.django_db
def test_busy_pages_do_not_write_the_session_on_every_request(client, users):
    from django.contrib.sessions.models import Session

    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    workbench = reverse("core:workbench")
    with time_machine.travel(start, tick=False) as traveller:
        client.force_login(users["office"])
        client.get(workbench)
        expiry = Session.objects.get().expire_date
        traveller.shift(datetime.timedelta(seconds=settings.SESSION_REFRESH_SECONDS - 10))
        client.get(workbench)
        assert Session.objects.get().expire_date == expiry  # within the refresh window: no write
        traveller.shift(datetime.timedelta(seconds=20))
        client.get(workbench)
        assert Session.objects.get().expire_date > expiry  # refreshed: the idle deadline moves
