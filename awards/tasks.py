from celery import shared_task

from . import services


@shared_task(bind=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def registrations_digest(self):
    """Daily: the office's one message about registrations and review requests (idempotent)."""
    return services.registrations_digest()
