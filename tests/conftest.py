"""Fixtures of the process tests (real gunicorn, honcho, Celery worker and beat in subprocesses)."""

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def migrated_var(tmp_path_factory) -> Callable[[Path], Path]:
    """``prepare(var)`` makes ``var`` a fresh var directory whose SQLite database has every migration
    applied, as ``make data``'s ``migrate`` leaves it.

    The migrations run once per test process, into a template that each test copies: a fresh
    ``migrate`` of the whole project takes a minute or more on a loaded machine, and the process
    tests are about what runs after it, not about migrating."""
    template = tmp_path_factory.mktemp("migrated") / "var"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ENV") and not k.startswith("PYTEST")
    }
    env.update(
        JIANLI_VAR_DIR=str(template),
        DATABASE_URL=f"sqlite:///{template}/db.sqlite3",
        DJANGO_SETTINGS_MODULE="jianli_quality.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"migrate failed:\n{result.stdout}\n{result.stderr}"
    # the migrating process has closed its connection: the WAL is checkpointed into the main file
    assert not (template / "db.sqlite3-wal").exists() or not (template / "db.sqlite3-wal").stat().st_size

    def prepare(var: Path) -> Path:
        var.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template / "db.sqlite3", var / "db.sqlite3")
        return var

    return prepare
