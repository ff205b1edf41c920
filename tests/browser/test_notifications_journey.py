"""Journey: a unit liaison reads reminders in the inbox; the office reads the half-year report and
adjusts a schedule."""

import datetime as dt
import re

import pytest

from notifications.services import notify
from scheduler import services
from scheduler.halves import HalfYear
from scheduler.schedules import schedules_install
from targets.services import period_open

pytestmark = pytest.mark.django_db(transaction=True)


def test_unit_reads_reminders_and_office_reads_the_report_and_edits_a_schedule(
    page, policy, users, login, shot
):
    unit = users["unit_a"]
    for i, (subject, url) in enumerate(
        [
            ("2025年下半年进度报告还有 3 天截止报送", "/notifications/sent/"),
            ("督办事项即将到期：制定区域品牌管理办法", "/notifications/"),
            ("议题征集即将截止：2025年下半年联席会议", "/notifications/"),
        ]
    ):
        notify(
            occasion=f"journey:{i}",
            recipients=[unit],
            subject=subject,
            body=f"{subject}。截止日 2026年01月15日，请登录平台办理。",
            url=url,
        )

    login(page, unit)
    assert page.inner_text(".bell .count") == "3"
    shot(page, "01-unit-workbench-unread")
    page.click(".bell")
    page.wait_for_url(re.compile(r".*/notifications/$"))
    assert page.locator(".notif-item.unread").count() == 3
    shot(page, "02-inbox")
    # 前往办理 marks the message read and opens the page of the matter
    page.locator(".notif-item", has_text="进度报告").get_by_role("button", name="前往办理").click()
    page.wait_for_url(re.compile(r".*/notifications/sent/$"))
    assert page.inner_text(".bell .count") == "2"
    assert page.locator("td", has_text="电子邮件").count() == 3
    shot(page, "03-sent-log")
    page.goto("/notifications/")
    page.get_by_role("button", name="全部标为已读").click()
    page.wait_for_load_state()
    assert page.locator(".bell .count").count() == 0
    assert "已将 2 条消息标为已读" in page.inner_text(".messages")
    shot(page, "04-inbox-all-read")

    # the office: the half-year report and the schedules
    period_open(plan=policy, year=2025, half=1)
    services.half_year_report_build(half=HalfYear(2025, 1), today=dt.date(2025, 7, 16))
    schedules_install()
    page.context.clear_cookies()
    login(page, users["office"])
    page.click("nav.sidebar >> text=半年进度报告")
    page.wait_for_url(re.compile(r".*/scheduler/reports/$"))
    shot(page, "05-report-list")
    page.click("text=监利市质量强市及品牌建设2025年上半年工作进度报告 >> nth=0")
    page.wait_for_url(re.compile(r".*/scheduler/reports/2025H1/$"))
    assert page.locator("h2", has_text="目标指标完成进度").count() == 1
    shot(page, "06-report-detail")
    with page.expect_download() as download:
        page.click("text=下载 Excel")
    assert download.value.suggested_filename.endswith(".xlsx")

    page.click("nav.sidebar a:text-is('计划任务')")
    page.wait_for_url(re.compile(r".*/scheduler/schedules/$"))
    shot(page, "07-schedules")
    daily_row = page.locator("tr", has=page.locator("strong", has_text=re.compile("^每日提醒$")))
    daily_row.get_by_role("link", name="修改").click()
    page.fill("input[name=hour]", "25")
    page.get_by_role("button", name="保存").click()
    assert "写法不正确" in page.inner_text(".field-error")
    shot(page, "08-schedule-edit-error")
    page.fill("input[name=hour]", "9")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(re.compile(r".*/scheduler/schedules/$"))
    assert "已保存" in page.inner_text(".messages")
    assert daily_row.locator("td").nth(1).inner_text().startswith("每天 09:30")
    shot(page, "09-schedules-after-edit")
