from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.policy_loader import PLAN_FILES, load_policy


class Command(BaseCommand):
    help = "载入监政发〔2022〕1号的政策数据（目标、措施、奖励标准、委员会名单、联席会议制度）。可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="政策数据目录（默认 fixtures/policy/）")
        parser.add_argument(
            "--plan", action="append", help="规划文件名，可多次指定（默认 plan_2022_2025.yaml）"
        )

    def handle(self, *args, **options):
        base = Path(options["dir"]) if options["dir"] else None
        try:
            report = load_policy(base, plan_files=options["plan"] or PLAN_FILES)
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"政策数据载入失败，未作任何修改：{exc}") from exc
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
