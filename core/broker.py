"""Publishing to the Celery broker from a user's request without ever making it wait long.

Every task a request asks for has a database row that says what is to be done (an outbox row, a
heartbeat request): the publish is only a "do it now" hint. ``publish`` makes one attempt bounded by
the broker socket timeouts (settings: well under a second against a hung Redis), never raises, and
after a failure skips the broker in this process for ``BACKOFF_SECONDS`` so the following requests
are not slowed down at all; the periodic sweeps do the work once the worker and broker are back.
"""

import logging
import time
from typing import Any

logger = logging.getLogger(__name__)

BACKOFF_SECONDS = 30
_down_until = 0.0


def publish(task: Any, *args: Any, **kwargs: Any) -> bool:
    """``task.delay(*args, **kwargs)`` that never raises; False when the broker is (known to be) down."""
    global _down_until
    if time.monotonic() < _down_until:
        return False
    try:
        # kombu would retry a refused connection (2 s apart) before giving up: one attempt first, on a
        # pooled connection the publish then uses
        with task.app.pool.acquire(block=True, timeout=1) as connection:
            connection.ensure_connection(max_retries=0)
        task.delay(*args, **kwargs)
    except Exception:  # kombu's OperationalError, a timeout, a refused connection: the sweep sends later
        _down_until = time.monotonic() + BACKOFF_SECONDS
        logger.warning("broker unavailable; %s left to the sweep", getattr(task, "name", task))
        return False
    return True


def reset() -> None:
    """Forget a past failure (tests, or the health page's manual check)."""
    global _down_until
    _down_until = 0.0
