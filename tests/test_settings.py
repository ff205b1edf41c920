import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _check(env_extra: dict, *args: str) -> subprocess.CompletedProcess:
    # the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright; a deployment never has it
    dropped = (
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DJANGO_ENV",
        "DEBUG",
        "DJANGO_DEBUG",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    )
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_secret_key_fails_with_a_clear_message():
    result = _check({"DJANGO_ENV": "production", "ALLOWED_HOSTS": "zlpt.jianli.gov.cn"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_without_allowed_hosts_fails_with_a_clear_message():
    result = _check({"DJANGO_ENV": "production", "SECRET_KEY": "x" * 60})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_check_deploy_is_clean_in_production_settings():
    result = _check(
        {
            "DJANGO_ENV": "production",
            "SECRET_KEY": "k3y-" + "abcdefghij" * 6,
            "ALLOWED_HOSTS": "zlpt.jianli.gov.cn",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_defaults_are_chinese_and_shanghai(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_site_url_defaults_to_the_port_that_is_served():
    """Issue 19 point 11: e-mail links follow WEB_PORT (make run WEB_PORT=8080), not a fixed 8000."""
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "DJANGO_ENV")}
    env["WEB_PORT"] = "8123"
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.SITE_URL)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8123", result.stderr
