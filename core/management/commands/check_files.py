from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.filecheck import check_files
from core.storage import CheckedFileSystemStorage, pending_forget


class Command(BaseCommand):
    help = "核对所有已存储文件：列出缺失、损坏（SHA-256 不符）与无主（无记录引用）的文件。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--record", action="store_true", help="为尚无校验值的旧文件补记 SHA-256")
        parser.add_argument(
            "--delete-orphans", action="store_true", help="将列出的无主文件移入回收区（.trash，保留两天）"
        )
        parser.add_argument(
            "--fail", action="store_true", help="发现缺失或损坏文件时以非零状态退出（用于监控）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        run = check_files(record=options["record"])
        for label, names in (
            ("缺失", run.missing),
            ("损坏", run.damaged),
            ("无主", run.orphans),
            ("未登记校验值", run.unrecorded),
        ):
            for name in names:
                self.stdout.write(f"{label}\t{name}")
        if options["delete_orphans"]:
            storage = CheckedFileSystemStorage()
            for name in run.orphans:
                storage._delete_now(name)  # into the trash, kept TRASH_KEEP
            pending_forget(run.orphans)
            self.stdout.write(f"已删除 {len(run.orphans)} 个无主文件。")
        summary = (
            f"共核对 {run.files} 个文件：缺失 {len(run.missing)}，损坏 {len(run.damaged)}，"
            f"无主 {len(run.orphans)}，未登记校验值 {len(run.unrecorded)}。"
        )
        if options["fail"] and (run.missing or run.damaged):
            raise CommandError(summary)
        self.stdout.write(summary)
