from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from scheduler.schedules import declared_schedules, schedules_install


class Command(BaseCommand):
    help = (
        "安装平台的计划任务（django-celery-beat 数据库计划，Asia/Shanghai 时间）。可重复执行："
        "缺少的任务按代码中的定义创建；已有任务保留办公室在后台修改过的执行时间和启用状态。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="把执行时间和启用状态恢复为代码中的定义（覆盖后台的修改）。",
        )

    def handle(self, *args: Any, reset: bool = False, **options: Any) -> None:
        result = schedules_install(reset=reset)
        by_name = {s.name: s for s in declared_schedules()}
        for label, names in (
            ("新建", result.created),
            ("已恢复默认", result.reset),
            ("已更新任务定义", result.updated),
            ("无变化", result.unchanged),
        ):
            for name in names:
                self.stdout.write(f"  {label}：{name}（{by_name[name].task}，默认 {by_name[name].when}）")
        for name in result.unknown:
            self.stdout.write(self.style.WARNING(f"  代码中未定义的任务（未改动，请在后台确认）：{name}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"计划任务已就绪：新建 {len(result.created)}，更新 {len(result.updated) + len(result.reset)}，"
                f"无变化 {len(result.unchanged)}。时区 Asia/Shanghai；生产环境只能运行一个 beat 进程。"
            )
        )
