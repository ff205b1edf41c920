from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from policypack.files import PackInvalid
from policypack.loader import default_pack_dir, load_pack


class Command(BaseCommand):
    help = (
        "载入政策数据包（县市与政策文件、成员单位、委员会、资金来源、奖励标准、规划与目标、联席会议制度）。"
        "先校验整个数据包，有任何错误则不作修改；可重复运行，保留办公室的修改。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--pack", help="政策数据包目录（默认 fixtures/policy/jianli/）")

    def handle(self, *args: Any, **options: Any) -> None:
        pack_dir = Path(options["pack"]) if options["pack"] else default_pack_dir()
        try:
            report = load_pack(pack_dir)
        except PackInvalid as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"政策数据包 {pack_dir} 有 {len(exc.errors)} 处错误，未作任何修改。") from exc
        for line in report.lines():
            self.stdout.write(line)
        if report.changed:
            self.stdout.write(self.style.SUCCESS(f"政策数据已载入（新增或更新 {report.changed} 条）。"))
        else:
            self.stdout.write(self.style.SUCCESS("政策数据已是最新，未作修改。"))
        if report.kept:
            self.stdout.write(
                self.style.WARNING(f"有 {len(report.kept)} 条记录办公室已修改，按规定保留，未覆盖。")
            )
