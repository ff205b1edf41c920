from typing import Any

from django.core.management.base import BaseCommand, CommandError

from portal.demo import DEMO_PASSWORD, seed_demo_accounts, seed_demo_work


class Command(BaseCommand):
    help = "创建演示账户（每个角色一个）和标注“示例”的演示数据，仅用于试用环境。"

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            users = seed_demo_accounts()
            work = seed_demo_work()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        except Exception as exc:
            raise CommandError(f"请先运行 load_policy 载入政策数据：{exc}") from exc
        self.stdout.write("")
        self.stdout.write(self.style.WARNING("======== 演示账户（仅供试用，请勿用于正式环境）========"))
        self.stdout.write(f"{'用户名':<16}{'角色':<14}姓名/单位")
        for user, _created in users:
            where = user.member_unit or user.enterprise or ""
            self.stdout.write(f"{user.username:<18}{user.get_role_display():<12}{user.display_name} {where}")
        self.stdout.write(f"所有演示账户的密码：{DEMO_PASSWORD}（已存在的账户保留原密码）")
        self.stdout.write("今天可以试的事（演示数据均标注“示例”）：")
        for line in work:
            self.stdout.write(f"  · {line}")
        self.stdout.write(self.style.WARNING("=" * 52))
