from celery import shared_task

from . import services


@shared_task(
    bind=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    soft_time_limit=300,
    time_limit=360,
)
def deliver_pending(self):
    """Send every pending notification (also run periodically as the outbox sweep)."""
    sent = 0
    for notification_id in services.pending_notification_ids():
        if services.notification_deliver(notification_id=notification_id):
            sent += 1
    return sent
