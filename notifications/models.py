from django.conf import settings
from django.db import models


class Notification(models.Model):
    """One message to one recipient on one channel.

    The unique (occasion, recipient, channel) key makes delivery exactly-once: a retried task, a
    second beat or a re-run reminder finds the row already there and sends nothing. A row moves
    待发送 → 发送中 (claimed by one worker with a conditional UPDATE) → 已发送, or back to 待发送
    with a back-off after a refused send, or to 发送失败 when it gives up or when a claim went stale
    (the worker died mid-send and nobody can tell whether the mail left: it is never sent again
    automatically, see docs/scheduler.md "Exactly once").
    """

    class Channel(models.TextChoices):
        INAPP = "inapp", "站内消息"
        EMAIL = "email", "电子邮件"

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    occasion = models.CharField("事由键", max_length=200)
    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    url = models.CharField("链接", max_length=300, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.TextField("最近错误", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    next_attempt_at = models.DateTimeField("下次尝试时间", null=True, blank=True)
    claimed_at = models.DateTimeField("开始发送时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["occasion", "recipient", "channel"],
                name="notifications_notification_once_per_occasion",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="notifications_notification_sent_has_time",
            ),
        ]
        indexes = [
            # the unread badge on every page: WHERE recipient=? AND channel='inapp' AND read_at IS NULL,
            # and the latest unread on the workbench in index order (no sort of all the unread)
            models.Index(
                fields=["recipient", "channel", "read_at", "created_at", "id"], name="notif_unread_idx"
            ),
            # the inbox, newest first, a page at a time: read in index order, not sorted
            models.Index(fields=["recipient", "channel", "created_at", "id"], name="notif_inbox_list_idx"),
            # the outbox sweep: WHERE status='pending' [AND next_attempt_at <= now] / status='sending'
            models.Index(fields=["status", "next_attempt_at"], name="notif_outbox_idx"),
            # the 系统状态 page's counts and list of failed / due mail: the sent rows (nearly all of
            # them) left out, so no planner reads the whole table for them (SQLite's statistics
            # tell it status is unselective: one value in nearly every row)
            models.Index(
                fields=["created_at", "id"], condition=models.Q(status="failed"), name="notif_failed_idx"
            ),
            models.Index(
                fields=["next_attempt_at", "created_at"],
                condition=models.Q(status="pending"),
                name="notif_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_unread(self) -> bool:
        return self.channel == self.Channel.INAPP and self.read_at is None
