import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core import services


class Command(BaseCommand):
    help = "发送一个健康检查任务，并等待 Celery 工作进程回执。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--timeout", type=float, default=30)

    def handle(self, *args: Any, **options: Any) -> None:
        heartbeat = services.health_request()
        sent_at = heartbeat.requested_at
        deadline = time.monotonic() + options["timeout"]
        while time.monotonic() < deadline:
            heartbeat.refresh_from_db()
            if heartbeat.completed_at and sent_at and heartbeat.completed_at >= sent_at:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"后台任务运行正常：{heartbeat.hostname} 于 {timezone.localtime(heartbeat.completed_at):%Y-%m-%d %H:%M:%S} 完成检查。"
                    )
                )
                return
            time.sleep(0.5)
        raise CommandError("在规定时间内未收到后台任务回执：请确认 Celery worker 正在运行。")
