"""Issue 11 in a real browser: a claim of a standard another enterprise was paid for is flagged,
复核 waits for an approver's written ruling, then passes; a change of a reward line is made by one
approver and takes effect only when another confirms it."""

import datetime as dt
import re

import pytest

from awards import services
from awards.models import Application, DuplicateFinding, RewardItem
from awards.tests.factories import ApplicationFactory
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db(transaction=True)


def switch_user(page, login, user):
    page.context.clear_cookies()
    login(page, user)


def test_flag_ruling_then_second_review(page, policy, users, login, shot):
    page.on("dialog", lambda dialog: dialog.accept())
    earlier = ApplicationFactory(
        enterprise=EnterpriseFactory(verified=True, name="监利乙方标准公司"),
        reference="GB/T 43210-2023",
        paid=True,
        is_legacy=True,
    )
    ent_user = users["enterprise_a"]
    ent_user.enterprise.verified_at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    ent_user.enterprise.save()
    # the enterprise types the same standard with a zero-width space and an en dash
    application = services.application_submit(
        enterprise=ent_user.enterprise,
        reward_code="national_standard",
        award_date=dt.date(2023, 5, 1),
        reference="GB/T 432\u200b10\u20132023",
        by=ent_user,
    )
    services.application_first_review(application=application, by=users["office"], decision="pass")

    # the office list shows the claim as a possible duplicate, the number with the invisible mark
    login(page, users["office"])
    page.goto("/awards/office/applications/?status=first_passed")
    row = page.locator("tr", has_text=application.code)
    assert "疑似重复待裁定" in row.inner_text() and "⟨U+200B⟩" in row.inner_text()
    shot(page, "01-office-list-flag")

    # the approver tries 复核 first: refused in Chinese, nothing changes
    switch_user(page, login, users["approver"])
    page.goto(application.get_absolute_url())
    assert earlier.code in page.inner_text("#findings")
    page.check("input[name=decision][value=pass]")
    page.click("button:has-text('提交复核意见')")
    assert "尚未裁定" in page.inner_text("main")
    assert Application.objects.get(pk=application.pk).status == "first_passed"
    shot(page, "02-second-review-refused")

    # the written ruling
    page.goto(application.get_absolute_url())
    form = page.locator("#findings form.ruling-form")
    form.locator("input[value=not_duplicate]").check()
    form.locator("textarea[name=text]").fill("两家企业为该标准的共同主导起草单位，分别奖励。")
    form.locator("button:has-text('记录裁定')").click()
    page.wait_for_url(re.compile(rf".*/awards/applications/{application.pk}/$"))
    assert "不构成重复奖励" in page.inner_text("#findings") and "瞿建民" in page.inner_text("#findings")
    shot(page, "03-ruled")

    # now 复核 passes
    page.check("input[name=decision][value=pass]")
    page.click("button:has-text('提交复核意见')")
    page.wait_for_url(re.compile(rf".*/awards/applications/{application.pk}/$"))
    assert "复核通过" in page.inner_text("h1")

    # the integrity page lists the pair with the ruling and who made it
    page.click("nav >> text=资金安全检查")
    body = page.inner_text("main")
    assert application.code in body and earlier.code in body and "不构成重复奖励" in body
    shot(page, "04-integrity-page")
    assert DuplicateFinding.objects.get().ruled_by == users["approver"]


def test_a_reward_line_change_takes_effect_when_another_approver_confirms(page, policy, users, login, shot):
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, users["approver"])
    page.goto("/awards/office/reward-items/national_standard/")
    page.fill("input[name=amount_yuan]", "250000")
    page.fill("input[name=amount_from]", "2026-01-01")
    page.fill("input[name=reason]", "监政办发〔2026〕9号")
    page.click("button:has-text('登记修改')")
    assert RewardItem.objects.get(code="national_standard").amount_yuan == 200_000

    # the maker sees it pending and cannot confirm it
    page.goto("/awards/office/money/changes/")
    pending = page.locator("#pending-changes")
    assert "250,000 元" in pending.inner_text() and "由您登记" in pending.inner_text()
    assert pending.locator("button:has-text('确认生效')").count() == 0
    shot(page, "10-pending-own-change")

    # another approver confirms
    switch_user(page, login, users["approver2"])
    page.goto("/awards/office/money/changes/")
    page.click("#pending-changes >> button:has-text('确认生效')")
    assert "已确认" in page.inner_text("main")
    assert RewardItem.objects.get(code="national_standard").amount_yuan == 250_000
    row = page.locator("tbody tr").first.inner_text()
    assert "瞿建民" in row and "吴建林" in row
    shot(page, "11-confirmed")
