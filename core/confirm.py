"""Confirm buttons that may be clicked twice (a double click, a reload, two tabs).

The pending work (an import's checked rows) waits in the session under a key. The first confirm
claims it in the cache and does it; a confirm racing the first is told it is under way; a confirm
after the first finished is shown the first one's result. Nothing is ever done twice.
"""

import hashlib
import json

from django.core.cache import cache

CLAIM_SECONDS = 600


def claim_key(session, key: str) -> str:
    payload = json.dumps(session.get(key), sort_keys=True, default=str)
    digest = hashlib.sha256(f"{session.session_key}:{key}:{payload}".encode()).hexdigest()
    return f"confirm:{digest}"


def claim(request, key: str) -> bool:
    """True for the one confirm that may do the pending work under ``key``."""
    return cache.add(claim_key(request.session, key), 1, timeout=CLAIM_SECONDS)


def release(request, key: str) -> None:
    """The work was refused (nothing done): a later confirm may try again."""
    cache.delete(claim_key(request.session, key))


def finish(request, key: str, result: str) -> None:
    request.session.pop(key, None)
    request.session[f"{key}:done"] = result


def last_result(request, key: str) -> str | None:
    return request.session.get(f"{key}:done")
