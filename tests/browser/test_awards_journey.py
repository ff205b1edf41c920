"""Issue 4 in a real browser: an enterprise registers, applies, is returned, corrects and resubmits;
staff pass it, an approver passes it, it is on the public 公示 page, the window closes, payment is
recorded and the enterprise sees the whole timeline."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from awards import services
from awards.models import Application
from awards.tests.factories import PDF_BYTES
from portal.demo import make_credit_code

pytestmark = pytest.mark.django_db(transaction=True)

CODE = make_credit_code("91421081MA4BRWXY1")
PASSWORD = "Quality#Brand-2026"


def pdf_file(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF_BYTES}


def snap(page, shot, name):
    page.evaluate("window.scrollTo(0, 0)")  # the sticky header stays at the top of the full-page image
    shot(page, name)


def switch_user(page, login, user, password=None):
    page.context.clear_cookies()
    if password:
        login(page, user, password)
    else:
        login(page, user)


def test_enterprise_applies_and_follows_its_reward_to_payment(page, policy, users, login, shot):
    page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm dialogs

    # 1. registration (public)
    page.goto("/awards/register/")
    page.fill("input[name=name]", "监利浏览器测试食品有限公司")
    page.fill("input[name=credit_code]", CODE.lower())
    page.fill("input[name=address]", "监利市容城镇测试大道 8 号")
    page.fill("input[name=contact_person]", "钱七")
    page.fill("input[name=contact_phone]", "0716-3222222")
    page.set_input_files("input[name=licence]", files=[pdf_file("营业执照.pdf")])
    page.fill("input[name=username]", "browser_corp")
    page.fill("input[name=full_name]", "钱七")
    page.fill("input[name=phone]", "13700000000")
    page.fill("input[name=email]", "qian@example.com")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    snap(page, shot, "01-register")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/awards/applications/$"))
    assert "注册成功" in page.inner_text(".messages")
    assert "尚未通过办公室核验" in page.inner_text("main")
    snap(page, shot, "02-my-applications-empty")
    enterprise_user = User.objects.get(username="browser_corp")

    # 2. the application, with the system's conclusion before submitting
    page.click("text=新建申报 >> nth=0")
    page.select_option("select[name=reward_item]", "national_standard")
    page.fill("input[name=award_date]", "2021-12-20")
    page.fill("input[name=reference]", "GB/T 45678-2023")
    expect(page.locator("#eligibility")).to_contain_text("2022年1月1日")
    snap(page, shot, "03-application-not-eligible")
    page.fill("input[name=award_date]", "2023-05-01")
    expect(page.locator("#eligibility")).to_contain_text("符合奖励条件")
    assert "20 万元" in page.inner_text("#eligibility")
    page.fill("input[name=issuing_body]", "国家市场监督管理总局 国家标准化管理委员会")
    page.set_input_files("input[name=attachments]", files=[pdf_file("标准文本.pdf")])
    page.check("input[name=declaration]")
    snap(page, shot, "04-application-eligible")
    page.click("button[value=submit]")
    page.wait_for_url(re.compile(r".*/awards/applications/\d+/$"))
    assert "已提交" in page.inner_text("h1")
    application = Application.objects.get(enterprise__credit_code=CODE)
    snap(page, shot, "05-application-submitted")

    # 3. office: verify the enterprise, return the application for correction
    switch_user(page, login, users["office"])
    page.goto("/awards/office/enterprises/")
    page.click("text=监利浏览器测试食品有限公司")
    page.click("button:has-text('核验通过')")
    page.wait_for_load_state()
    assert "已核验" in page.inner_text("h1")
    page.goto(application.get_absolute_url())
    snap(page, shot, "06-office-first-review")
    page.check("input[name=decision][value=return]")
    page.fill("textarea[name=comment]", "请补充起草单位排名页（标准前言）。")
    page.click("button:has-text('提交初审意见')")
    page.wait_for_load_state()
    assert "退回补正" in page.inner_text("h1")

    # 4. enterprise: corrects and resubmits
    switch_user(page, login, enterprise_user, PASSWORD)
    assert "退回补正" in page.inner_text("main")
    page.goto(f"/awards/applications/{application.pk}/edit/")
    assert "请补充起草单位排名页" in page.inner_text(
        ".notice >> nth=-1"
    ) or "请补充起草单位排名页" in page.inner_text("main")
    page.set_input_files("input[name=attachments]", files=[pdf_file("标准前言.pdf")])
    page.check("input[name=declaration]")
    snap(page, shot, "07-correction")
    page.click("button[value=submit]")
    page.wait_for_url(re.compile(rf".*/awards/applications/{application.pk}/$"))
    assert "已提交" in page.inner_text("h1")

    # 5. staff pass it, 6. an approver passes it
    switch_user(page, login, users["office"])
    page.goto(application.get_absolute_url())
    page.check("input[name=decision][value=pass]")
    page.click("button:has-text('提交初审意见')")
    page.wait_for_load_state()
    assert "初审通过" in page.inner_text("h1")
    switch_user(page, login, users["approver"])
    page.goto(application.get_absolute_url())
    snap(page, shot, "08-second-review")
    page.check("input[name=decision][value=pass]")
    page.fill("textarea[name=comment]", "同意奖励。")
    page.click("button:has-text('提交复核意见')")
    page.wait_for_load_state()
    assert "复核通过" in page.inner_text("h1")

    # 7. office publishes the 公示 list
    switch_user(page, login, users["office"])
    page.goto("/awards/office/publicity/")
    page.click("a:has-text('发布新的公示')")
    page.wait_for_url(re.compile(r".*/awards/office/publicity/new/$"))
    page.fill("input[name=contact_phone]", "0716-3300000")
    page.fill("input[name=contact_address]", "监利市市场监督管理局 301 室")
    snap(page, shot, "09-publish")
    page.click("button:has-text('发布公示')")
    page.wait_for_url(re.compile(r".*/awards/publicity/\d+/$"))
    application.refresh_from_db()
    batch = application.publicity_batch

    # 8. it appears on the public 公示 page
    page.context.clear_cookies()
    page.goto("/")
    page.click("header >> text=公示公告")
    page.wait_for_url(re.compile(r".*/awards/publicity/$"))
    body = page.inner_text("main")
    assert "监利浏览器测试食品有限公司" in body and "主导制修订国家标准" in body and "0716-3300000" in body
    assert "如何提出异议" in body
    snap(page, shot, "10-public-publicity")

    # 9. the window closes (the scheduler's daily run), payment is recorded
    after = batch.end_date + dt.timedelta(days=1)
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(after, dt.time(9))), tick=True):
        assert services.publicity_advance_due(today=after) == 1
        login(page, users["office"])
        page.goto(application.get_absolute_url())
        assert "待拨付" in page.inner_text("h1")
        # 报请: the office puts it in a batch and records the reply; another approver confirms it
        page.click("text=列入报请批次")
        page.check(f"#req-{application.pk}")
        page.click("button:has-text('建立报请批次')")
        page.wait_for_url(re.compile(r".*/awards/office/funding/\d+/$"))
        page.select_option(f"select[name=decision_{application.pk}]", "approved")
        page.fill("input[name=reply_number]", "监政函〔2026〕3号")
        page.fill("input[name=reply_date]", after.isoformat())
        page.click("button:has-text('登记批复')")
        assert "待另一位办公室负责人确认" in page.inner_text("main")
        switch_user(page, login, users["approver2"])
        page.goto("/awards/office/money/changes/")
        page.click("#pending-changes >> button:has-text('确认生效')")
        switch_user(page, login, users["office"])
        page.goto(application.get_absolute_url())
        page.click("text=登记拨付")
        page.fill("input[name=voucher_number]", "JLCZ-2026-0088")
        snap(page, shot, "11-payment")
        page.click("button:has-text('登记拨付')")
        page.wait_for_url(re.compile(rf".*/awards/applications/{application.pk}/$"))
        assert "待拨付" in page.inner_text("h1")  # recorded by the 经办人, not yet in effect
        assert "由您登记" in page.inner_text("#pending-change")

        # the 审核人 (an approver who did not record it) confirms: only now is it paid
        switch_user(page, login, users["approver"])
        page.goto(application.get_absolute_url())
        page.click("#pending-change >> button:has-text('确认生效')")
        page.wait_for_url(re.compile(rf".*/awards/applications/{application.pk}/$"))
        assert "已拨付" in page.inner_text("h1")
        assert "办公室甲 / 瞿建民" in page.inner_text("main")

        # 10. the enterprise sees the whole timeline
        switch_user(page, login, enterprise_user, PASSWORD)
        page.goto(application.get_absolute_url())
        timeline = page.inner_text(".timeline")
        for step in (
            "提交申报",
            "初审退回补正",
            "补正后重新提交",
            "初审通过",
            "复核通过",
            "进入公示",
            "公示期满无异议",
            "报请审批",
            "收到批复",
            "登记拨付",
        ):
            assert step in timeline, step
        assert "JLCZ-2026-0088" in page.inner_text("main")
        snap(page, shot, "12-enterprise-timeline")
        page.goto("/workbench/")
        snap(page, shot, "13-enterprise-workbench")
        switch_user(page, login, users["office"])
        page.goto("/awards/office/money/")
        # the ledger opens on this year; the award of 2023 is one choice of the year away
        assert "20 万元" not in page.inner_text(".stats")
        page.select_option("#year", "2023")
        page.wait_for_url(re.compile(r".*year=2023"))
        assert "20 万元" in page.inner_text(".stats")
        snap(page, shot, "14-money")


def test_office_imports_legacy_rewards_and_keeps_the_schedule(page, policy, users, login, shot, tmp_path):
    """The office's other pages: xlsx import of rewards paid before the system, schedule, calendar."""
    import io

    from openpyxl import Workbook

    from awards.services.legacy import COLUMNS

    page.on("dialog", lambda dialog: dialog.accept())
    wb = Workbook()
    ws = wb.active
    ws.append([label for _, label in COLUMNS])
    ws.append(
        [
            CODE,
            "监利历史兑现食品有限公司",
            "中国驰名商标",
            "2022-06-15",
            "第 1234567 号",
            "国家知识产权局",
            500000,
            "2022-12-20",
            "PZ-2022-1",
            "",
        ]
    )
    ws.append(
        [CODE, "监利历史兑现食品有限公司", "地理标志", "2021-06-15", "GI-1", "", 100000, "2022-12-20", "", ""]
    )
    buf = io.BytesIO()
    wb.save(buf)
    bad = tmp_path / "历史兑现（有误）.xlsx"
    bad.write_bytes(buf.getvalue())
    ws.delete_rows(3)
    buf = io.BytesIO()
    wb.save(buf)
    good = tmp_path / "历史兑现.xlsx"
    good.write_bytes(buf.getvalue())

    login(page, users["office"])
    page.click("nav >> text=历史兑现补录")
    page.click("text=从 Excel 批量导入")
    page.set_input_files("input[name=file]", str(bad))
    page.click("button:has-text('上传并预览')")
    assert "第 3 行" in page.inner_text("#import-errors") and "2022年1月1日" in page.inner_text(
        "#import-errors"
    )
    assert page.locator("button:has-text('确认导入')").count() == 0
    snap(page, shot, "20-legacy-import-errors")
    page.set_input_files("input[name=file]", str(good))
    page.click("button:has-text('上传并预览')")
    page.wait_for_url(re.compile(r".*/imports/\d+/$"))  # the preview page every import shares
    assert "监利历史兑现食品有限公司" in page.inner_text("main")
    snap(page, shot, "21-legacy-import-preview")
    page.click("button:has-text('确认导入')")
    page.wait_for_url(re.compile(r".*/awards/office/money/changes/$"))
    assert "待确认（1）" in page.inner_text("#pending-changes")
    assert Application.objects.filter(is_legacy=True).count() == 0  # pending until a second person confirms
    switch_user(page, login, users["approver"])
    page.goto("/awards/office/money/changes/")
    page.click("#pending-changes >> button:has-text('确认生效')")
    assert "已确认" in page.inner_text("main")
    page.goto("/awards/office/applications/?status=paid")
    assert "监利历史兑现食品有限公司" in page.inner_text("table")
    snap(page, shot, "22-paid-list")
    assert Application.objects.filter(is_legacy=True).count() == 1

    page.click("nav >> text=奖励标准维护")
    assert page.locator("table").first.locator("tbody tr").count() == 18
    assert "荆州批复" in page.inner_text("#funding-paths")
    snap(page, shot, "23-reward-items")
    page.click("tr:has-text('中国驰名商标') >> text=修改")
    page.fill("input[name=amount_yuan]", "600000")
    page.fill("input[name=amount_from]", "2026-01-01")
    page.fill("input[name=reason]", "测试：核对金额")
    page.click("button:has-text('登记修改')")
    page.wait_for_url(re.compile(r".*/awards/office/reward-items/$"))

    page.click("nav >> text=公示期与工作日历")
    page.fill("input[name=day]", "2030-02-04")
    page.select_option("select[name=is_workday]", "0")
    page.fill("input[name=note]", "2030年春节")
    page.click("button:has-text('添加 / 更新')")
    assert "2030年春节" in page.inner_text("table")
    snap(page, shot, "24-settings-calendar")
    page.click("nav >> text=企业核验")
    page.click("text=全部企业")
    assert "监利历史兑现食品有限公司" in page.inner_text("table")
    snap(page, shot, "25-enterprises")
    page.click("nav >> text=公示管理")
    snap(page, shot, "26-publicity-manage-empty")
