"""Helpers for the tests that run real Celery workers, beats and Redis servers."""

import shutil
import socket
import subprocess
import threading
import time
from contextlib import suppress
from urllib.parse import urlparse

import pytest

from jianli_quality.celery import app
from tests.celery_broker import reset_producer_pool, use_broker  # noqa: F401  (re-exported for the tests)


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


class RedisForwarder:
    """Stands in for a Redis server the test can stop, when the redis-server binary is missing:
    a TCP relay to the shared Redis. Stopped, its port refuses connections and every open
    connection is cut, as when Redis goes down."""

    def __init__(self, target_url: str):
        parsed = urlparse(target_url)
        self.target = (parsed.hostname or "127.0.0.1", parsed.port or 6379)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}{parsed.path or '/0'}"
        self.listener = None
        self.sockets: list[socket.socket] = []

    def start(self):
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with suppress(OSError):
                sink.shutdown(socket.SHUT_RDWR)

    def stop(self):
        if self.listener is not None:
            self.listener.close()
            self.listener = None
        for sock in self.sockets:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets = []


def stoppable_redis(shared_url: str):
    """A Redis of the test's own (redis-server on a free port), or a relay to the shared one."""
    binary = shutil.which("redis-server")
    return RedisServer(binary) if binary else RedisForwarder(shared_url)


@pytest.fixture
def throwaway_redis(require_redis):
    """A Redis the test can stop and start; needs Redis like the other real-broker tests (so CI
    fails rather than skips when there is none)."""
    server = stoppable_redis(require_redis)
    yield server
    server.stop()
