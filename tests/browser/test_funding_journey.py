"""Issue 17 in a real browser: from 公示 to a confirmed payment through a 报请 batch and its reply.
A batch mixing funding sources and a reply above the requested amount without a reason are refused
in Chinese; the reply takes effect only when another approver confirms it; the enterprise sees
报请中 / 已批复 / 已拨付 with dates."""

import datetime as dt
import re

import pytest
from docx import Document

from awards import services
from awards.models import Application, FundingRequest, MoneyChange
from awards.tests.factories import item, pdf

pytestmark = pytest.mark.django_db(transaction=True)


def switch_user(page, login, user):
    page.context.clear_cookies()
    login(page, user)


def awaiting(users, code, reference):
    """An application taken by the services through review and 公示 to 待拨付."""
    ent_user = users["enterprise_a"]
    application = services.application_submit(
        enterprise=ent_user.enterprise,
        reward_code=code,
        award_date=dt.date(2023, 5, 1),
        reference=reference,
        by=ent_user,
        attachments=[pdf()],
    )
    services.application_first_review(application=application, by=users["office"], decision="pass")
    services.application_second_review(application=application, by=users["approver"], decision="pass")
    start = dt.date.today()
    batch = services.publicity_publish(
        applications=[application],
        start_date=start,
        by=users["office"],
        contact_phone="0716-3300000",
        contact_address="监利市容城镇",
        note="",
    )
    services.publicity_advance_due(today=batch.end_date + dt.timedelta(days=1))
    application.refresh_from_db()
    assert application.status == "awaiting_payment"
    return application


def test_from_publicity_to_a_confirmed_payment_through_a_batch_and_its_reply(
    page, policy, users, login, shot
):
    page.on("dialog", lambda dialog: dialog.accept())
    ent = users["enterprise_a"].enterprise
    ent.verified_at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    ent.save()
    city = awaiting(users, "national_standard", "GB/T 43210-2023")
    province = awaiting(users, "china_time_honored_brand", "中华老字号-2023-18")
    assert item("china_time_honored_brand").funding_source != city.funding_source

    # a batch mixing funding sources is refused, nothing is created
    login(page, users["office"])
    page.click("nav >> text=报请批次")
    page.check(f"#req-{city.pk}")
    page.check(f"#req-{province.pk}")
    page.click("button:has-text('建立报请批次')")
    assert "同一资金来源" in page.inner_text(".form-errors")
    assert not FundingRequest.objects.exists()
    shot(page, "01-mixed-sources-refused")

    # the city's batch: 报请中, the 请示 in Word
    page.uncheck(f"#req-{province.pk}")
    page.click("button:has-text('建立报请批次')")
    page.wait_for_url(re.compile(r".*/awards/office/funding/\d+/$"))
    assert "报请中" in page.inner_text("#batch-state")
    request = FundingRequest.objects.get()
    with page.expect_download() as download:
        page.click("text=导出请示（Word）")
    doc = Document(str(download.value.path()))
    assert request.title in "\n".join(p.text for p in doc.paragraphs)
    assert ent.name in [c.text for c in doc.tables[0]._cells]
    shot(page, "02-batch")

    # a reply above the requested amount without a reason is refused, nothing changes
    page.select_option(f"select[name=decision_{city.pk}]", "approved")
    page.fill(f"input[name=amount_{city.pk}]", "300000")
    page.fill("input[name=reply_number]", "监政函〔2026〕12号")
    page.fill("input[name=reply_date]", dt.date.today().isoformat())
    page.click("button:has-text('登记批复')")
    assert "高于报请金额" in page.inner_text(".form-errors")
    assert not MoneyChange.objects.filter(kind="funding_reply").exists()
    shot(page, "03-reply-above-refused")

    # the reply as received, then payment is still refused until it is confirmed
    page.select_option(f"select[name=decision_{city.pk}]", "approved")
    page.fill(f"input[name=amount_{city.pk}]", "200000")
    page.click("button:has-text('登记批复')")
    assert "待另一位办公室负责人确认" in page.inner_text("main")
    page.goto(city.get_absolute_url())
    assert page.locator("a:has-text('登记拨付')").count() == 0
    assert "报请中" in page.inner_text("main")

    # another approver confirms the reply: 已批复, the enterprise is told
    switch_user(page, login, users["approver2"])
    page.goto("/awards/office/money/changes/")
    page.click("#pending-changes >> button:has-text('确认生效')")
    request.refresh_from_db()
    assert (request.state, request.reply_number) == ("replied", "监政函〔2026〕12号")
    switch_user(page, login, users["enterprise_a"])
    page.goto(city.get_absolute_url())
    main = page.inner_text("main")
    assert "已批复" in main and "监政函〔2026〕12号" in main
    shot(page, "04-enterprise-approved")

    # payment recorded by the 经办人, confirmed by an approver who is not the recorder
    switch_user(page, login, users["office"])
    page.goto(city.get_absolute_url())
    page.click("text=登记拨付")
    page.fill("input[name=voucher_number]", "JLCZ-2026-0101")
    page.click("button:has-text('登记拨付')")
    page.wait_for_url(re.compile(rf".*/awards/applications/{city.pk}/$"))
    switch_user(page, login, users["approver"])
    page.goto(city.get_absolute_url())
    page.click("#pending-change >> button:has-text('确认生效')")
    page.wait_for_url(re.compile(rf".*/awards/applications/{city.pk}/$"))
    assert "已拨付" in page.inner_text("h1")
    assert Application.objects.get(pk=city.pk).status == "paid"

    # the 台账 carries the reply's number; the enterprise sees the three steps with dates
    page.goto("/awards/office/money/payments/")
    assert "监政函〔2026〕12号" in page.inner_text("main")
    switch_user(page, login, users["enterprise_a"])
    page.goto(city.get_absolute_url())
    progress = page.inner_text(".funding-progress")
    for label in ("报请中", "已批复", "已拨付"):
        assert label in progress
    assert f"{dt.date.today():%Y}年" in progress
    shot(page, "05-enterprise-paid")
