"""Issue 12 (1, 2) against gunicorn as deployed: unix socket, production settings, nginx's headers.

gunicorn runs as docs/deployment.md starts it (``--bind unix:…``, ``--forwarded-allow-ips="*"``,
``DJANGO_ENV=production``, ``TRUSTED_PROXY_COUNT=1``); the test plays nginx, sending each request
over the socket with the ``X-Forwarded-For`` / ``X-Real-IP`` / ``X-Forwarded-Proto`` it sets.
"""

import http.client
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from openpyxl import Workbook

from scheduler.tests.conftest import wait_until
from tests.hostile_xlsx import swell

# one server for the module, in one test process (pytest-xdist)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("gunicorn_socket")]

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "zlpt.test.local"
PASSWORD = "Socket#Passw0rd-2026"
SEED = f"""
from accounts.models import User
User.objects.create_user(username="director", role="office_approver", password="{PASSWORD}")
User.objects.create_user(username="office", role="office_staff", password="{PASSWORD}")
"""


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str):
        super().__init__("localhost", timeout=30)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(self.path)


class Browser:
    """One client behind nginx: its own address, its own cookies."""

    def __init__(self, sock: str, address: str):
        self.sock, self.address, self.cookies = sock, address, {}

    def request(self, method, path, body=b"", content_type="application/x-www-form-urlencoded"):
        conn = UnixConnection(self.sock)
        headers = {
            "Host": HOST,
            "X-Forwarded-For": self.address,  # nginx: $proxy_add_x_forwarded_for
            "X-Real-IP": self.address,
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{HOST}/",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if body:
            headers["Content-Type"] = content_type
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        conn.close()
        return response.status, text.decode("utf-8", "replace")

    def csrf(self, path):
        status, page = self.request("GET", path)
        assert status == 200, page[:500]
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def login(self, username, password):
        token = self.csrf("/accounts/login/")
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": password}
        )
        return self.request("POST", "/accounts/login/", body.encode())


def _env(var: Path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "EMAIL_BACKEND", "DJANGO_DEBUG", "DEBUG")
        and not k.startswith("PYTEST")
    }
    env.update(
        JIANLI_VAR_DIR=str(var),
        DATABASE_URL=f"sqlite:///{var}/db.sqlite3",
        DJANGO_SETTINGS_MODULE="jianli_quality.settings",
        DJANGO_ENV="production",
        SECRET_KEY="socket-test-" + "k" * 50,
        ALLOWED_HOSTS=HOST,
        TRUSTED_PROXY_COUNT="1",
        PAGE_CACHE_SECONDS="0",
    )
    return env


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory, migrated_var):
    var = migrated_var(tmp_path_factory.mktemp("socket") / "var")
    env = _env(var)
    for args in (
        ["load_policy"],
        ["collectstatic", "--noinput", "-v0"],
        ["shell", "-c", SEED],
    ):
        result = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stderr
    sock = str(var / "gunicorn.sock")
    log = (var / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "jianli_quality.wsgi", "--bind", f"unix:{sock}", "--umask", "007",
         "--workers", "2", "--threads", "2", "--timeout", "60", "--forwarded-allow-ips=*"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        assert wait_until(lambda: os.path.exists(sock), timeout=30, interval=0.2), "gunicorn did not start"
        assert wait_until(lambda: _healthy(sock), timeout=30, interval=0.3)
        yield sock
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def _healthy(sock: str) -> bool:
    try:
        return Browser(sock, "127.0.0.1").request("GET", "/healthz/")[0] == 200
    except OSError:
        return False


def test_over_the_socket_the_attacker_is_locked_and_the_director_elsewhere_is_not(gunicorn):
    attacker = Browser(gunicorn, "203.0.113.7")
    for _ in range(5):
        attacker.login("director", "wrong-password")
    status, page = attacker.login("director", PASSWORD)
    assert status == 429 and "锁定" in page  # 20 guesses no longer let the right one in
    assert "sessionid" not in attacker.cookies
    director = Browser(gunicorn, "198.51.100.20")
    status, _page = director.login("director", PASSWORD)
    assert status == 302  # the real director, from his own address, is not locked out
    assert "sessionid" in director.cookies


def test_a_forged_forwarded_address_does_not_escape_the_lockout(gunicorn):
    for n in range(5):
        Browser(gunicorn, f"10.9.9.{n}, 192.0.2.44").login("office", "wrong-password")
    status, _page = Browser(gunicorn, "8.8.8.8, 192.0.2.44").login("office", PASSWORD)
    assert status == 429


def test_a_swollen_statistics_file_is_refused_quickly_and_the_server_stays_up(gunicorn):
    wb = Workbook()
    wb.active.append(["指标编号", "指标名称", "数值", "统计日期", "数据来源", "备注"])
    buf = io.BytesIO()
    wb.save(buf)
    data = swell(buf.getvalue())
    office = Browser(gunicorn, "192.0.2.61")
    status, _ = office.login("director", PASSWORD)
    assert status == 302
    token = office.csrf("/targets/statistics/import/")
    boundary = "----jianli-boundary"
    fields = {"csrfmiddlewaretoken": token, "source": "市统计局", "plan": _plan_id(office)}
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    )
    body += (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="stats.xlsx"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    started = time.monotonic()
    status, page = office.request(
        "POST", "/targets/statistics/import/", body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    elapsed = time.monotonic() - started
    assert "超过本导入的上限" in page, page[:2000]
    assert elapsed < 3  # upload transfer and parsing included
    assert _healthy(gunicorn)


def _plan_id(browser) -> str:
    _status, page = browser.request("GET", "/targets/statistics/import/")
    return re.search(r'<option value="(\d+)"[^>]*selected', page).group(1)


def test_with_debug_off_static_files_are_served_and_errors_are_chinese(gunicorn):
    visitor = Browser(gunicorn, "192.0.2.70")
    status, css = visitor.request("GET", "/static/css/app.css")
    assert status == 200 and ".topbar" in css  # whitenoise, as under make run
    status, page = visitor.request("GET", "/no-such-page/")
    assert status == 404 and "页面不存在" in page and "URLconf" not in page
    status, page = visitor.request("GET", "/awards/publicity/?page=%00")
    assert status == 400 and "请求有误" in page
