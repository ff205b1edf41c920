"""Switching the Celery app's broker inside tests (the app caches connection and producer pools)."""

from contextlib import contextmanager, suppress

from kombu import pools

from jianli_quality.celery import app


def reset_producer_pool() -> None:
    # a new broker URL needs fresh pools: kombu keeps one per connection URL
    pools.reset()
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
