"""Helpers for the tests that run real Celery workers, beats and Redis servers."""

import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager, suppress

import pytest
from kombu import pools

from jianli_quality.celery import app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, *, timeout: float, interval: float = 0.1):
    """Poll ``predicate`` until it returns something truthy; return it (or the last falsy value)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def reset_producer_pool():
    # the app caches its connection and producer pools: a new broker URL needs fresh ones
    pools.reset()  # closes and forgets every cached pool (kombu keeps one per connection URL)
    app._pool = None
    with suppress(KeyError):
        app.__dict__["amqp"]._producer_pool = None


@contextmanager
def use_broker(url: str):
    previous = app.conf.broker_url
    app.conf.broker_url = url
    reset_producer_pool()
    try:
        yield url
    finally:
        app.conf.broker_url = previous
        reset_producer_pool()


def purge(url: str) -> None:
    with use_broker(url), app.connection_for_write() as conn:
        app.control.purge(connection=conn)


class RedisServer:
    """A redis-server of the test's own, on a free port, that the test may stop and start."""

    def __init__(self, binary: str):
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def accepting():
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return True
            except OSError:
                return False

        assert wait_until(accepting, timeout=10), "redis-server did not start"

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def throwaway_redis(require_redis):
    """Needs Redis like the other real-broker tests (so CI fails rather than skips), plus the binary."""
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server binary not found"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    server = RedisServer(binary)
    yield server
    server.stop()
