"""Cache backends: the file cache of the embedded default, and Redis that may fail."""

import logging
import random
import time
from collections.abc import Iterable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class FileCache(FileBasedCache):
    """Django's file cache, shared by the web workers, the Celery worker and beat.

    Django's version lists the whole cache directory on every ``set`` to decide whether to cull. With
    thousands of cached pages that listing costs more than the page it stores, so here it runs on
    about one ``set`` in ``CULL_EVERY``; the directory may briefly hold a few more entries than
    ``MAX_ENTRIES``.
    """

    CULL_EVERY = 100

    def _cull(self) -> None:
        if random.randrange(self.CULL_EVERY) == 0:  # noqa: S311 (not security-relevant)
            super()._cull()  # type: ignore[misc]  # Django's private method, not in django-stubs


class ResilientRedisCache(RedisCache):
    """Django's Redis cache for which an unreachable or hung Redis is a cache miss, not an error.

    Every call is bounded by the socket timeouts in ``OPTIONS`` (well under a second); after a
    failure this process skips Redis for ``RETRY_AFTER_SECONDS``, so a hung Redis costs one timeout
    per process and window instead of one per cache call. Reads then return their default, writes
    do nothing: every page still works, only slower.
    """

    RETRY_AFTER_SECONDS = 10.0
    # per server, shared by the threads of a process (Django gives each thread its own backend object)
    _down_until: dict[str, float] = {}

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._server_key = str(server)

    def _call(self, method: str, default: Any, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() < self._down_until.get(self._server_key, 0.0):
            return default
        try:
            return getattr(super(), method)(*args, **kwargs)
        except RedisError:
            self._down_until[self._server_key] = time.monotonic() + self.RETRY_AFTER_SECONDS
            logger.warning("cache unavailable; %s skipped for %ss", method, self.RETRY_AFTER_SECONDS)
            return default

    def add(
        self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return self._call("add", False, key, value, timeout, version)

    def get(self, key: Any, default: Any | None = None, version: int | None = None) -> Any:
        return self._call("get", default, key, default, version)

    def set(
        self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        return self._call("set", None, key, value, timeout, version)

    def touch(self, key: Any, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call("touch", False, key, timeout, version)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._call("delete", False, key, version)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return self._call("get_many", {}, keys, version)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._call("has_key", False, key, version)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        # a counter that cannot be read counts as this one call (rate limits stay permissive)
        return self._call("incr", delta, key, delta, version)

    def set_many(
        self, data: dict[Any, Any], timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return self._call("set_many", list(data), data, timeout, version)

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        return self._call("delete_many", None, keys, version)

    def clear(self) -> None:
        return self._call("clear", False)
