"""报请 batches (issue 17 points 2, 3, 6): one funding source per batch, the 请示 in Word, the reply
recorded by one person and confirmed by another, payment only after an approving reply."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from awards import services
from awards.models import (
    Application,
    FundBudget,
    FundingRequest,
    FundingRequestItem,
    MoneyChange,
)
from awards.tests.factories import ApplicationFactory, item
from core.errors import ServiceError
from notifications.models import Notification
from portal.demo import make_credit_code

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 4, 10)


def snapshot():
    """Everything a refused step must leave as it was."""
    return (
        list(
            Application.objects.order_by("pk").values_list(
                "pk", "status", "approval_number", "approved_amount_yuan", "paid_amount_yuan"
            )
        ),
        list(FundingRequest.objects.order_by("pk").values_list("pk", "state", "reply_number")),
        list(
            FundingRequestItem.objects.order_by("pk").values_list(
                "pk", "decision", "approved_amount_yuan", "live"
            )
        ),
        list(MoneyChange.objects.order_by("pk").values_list("pk", "state")),
    )


@pytest.fixture
def awaiting(users):
    ent = users["enterprise_a"].enterprise

    def _make(code="national_standard", **kw):
        return ApplicationFactory(enterprise=ent, awaiting_payment=True, reward_item=item(code), **kw)

    return _make


def create(applications, users, who="office"):
    return services.funding_request_create(
        applications=applications, by=users[who], requested_on=dt.date(2025, 4, 1), today=TODAY
    )


def reply(request, users, decisions, who="office", number="监政函〔2025〕8号"):
    return services.funding_reply_record(
        request=request,
        by=users[who],
        reply_number=number,
        reply_date=dt.date(2025, 4, 8),
        decisions=decisions,
        today=TODAY,
    )


def pay(application, users):
    return services.payment_record(
        application=application,
        by=users["office"],
        amount_yuan=200_000,
        paid_on=TODAY,
        voucher_number="V",
        today=TODAY,
    )


def test_a_batch_the_reply_and_its_confirmation_make_an_application_payable(awaiting, users):
    a, b = awaiting(), awaiting(reference="GB/T 2-2023")
    request = create([a, b], users)
    assert (request.state, request.total_yuan, request.recipient) == ("requested", 400_000, "监利市人民政府")
    assert a.events.filter(action="funding_request").count() == 1
    with pytest.raises(ServiceError, match="尚未收到上级批复") as refused:
        pay(a, users)
    assert refused.value.code == "no_reply"
    change = reply(
        request,
        users,
        {a.pk: {"approved": True, "amount_yuan": 200_000}, b.pk: {"approved": False, "reason": "材料不实"}},
        who="approver2",
    )
    a.refresh_from_db()
    assert (a.approval_number, a.approved_amount_yuan) == ("", None)  # not in effect before confirmation
    with pytest.raises(ServiceError, match="自己登记") as refused:
        services.money_change_confirm(change=change, by=users["approver2"])
    assert refused.value.code == "own_change"
    services.money_change_confirm(change=change, by=users["approver"])
    a.refresh_from_db()
    b.refresh_from_db()
    request.refresh_from_db()
    assert (request.state, request.reply_number, request.reply_confirmed_by) == (
        "replied",
        "监政函〔2025〕8号",
        users["approver"],
    )
    assert (a.status, a.approval_number, a.approved_amount_yuan) == (
        "awaiting_payment",
        "监政函〔2025〕8号",
        200_000,
    )
    assert b.status == "rejected"
    assert "材料不实" in b.events.get(action="funding_refused").comment
    subjects = set(
        Notification.objects.filter(recipient=users["enterprise_a"]).values_list("subject", flat=True)
    )
    assert any("批复不予奖励" in s for s in subjects) and any("已批复" in s for s in subjects)
    services.money_change_confirm(change=pay(a, users), by=users["approver2"])
    a.refresh_from_db()
    assert a.status == "paid"
    steps = [s["label"] for s in services.funding_progress(a)]
    assert steps == ["报请中", "已批复", "已拨付"]


def test_payment_before_the_reply_is_refused_and_changes_nothing(awaiting, users):
    a = awaiting()
    create([a], users)
    before = snapshot()
    with pytest.raises(ServiceError, match="尚未收到上级批复") as refused:
        pay(a, users)
    assert refused.value.code == "no_reply"
    assert snapshot() == before


def test_a_batch_mixing_funding_sources_is_refused_and_changes_nothing(awaiting, users):
    city, province = awaiting(), awaiting("china_time_honored_brand", reference="ZHLZH-1")
    before = snapshot()
    with pytest.raises(ServiceError, match="同一资金来源") as refused:
        create([city, province], users)
    assert refused.value.code == "mixed_sources"
    assert snapshot() == before


def test_an_application_is_in_one_live_batch_only(awaiting, users):
    a = awaiting()
    create([a], users)
    before = snapshot()
    with pytest.raises(ServiceError, match="已在报请批次中") as refused:
        create([a], users)
    assert refused.value.code == "already_requested"
    assert snapshot() == before
    request = FundingRequest.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingRequestItem.objects.create(request=request, application=a, requested_amount_yuan=1)


def test_only_applications_awaiting_payment_can_be_requested(users):
    reviewed = ApplicationFactory(second_passed=True)
    before = snapshot()
    with pytest.raises(ServiceError, match="待拨付") as refused:
        create([reviewed], users)
    assert refused.value.code == "not_awaiting"
    assert snapshot() == before


def test_a_reply_above_the_requested_amount_needs_a_reason(awaiting, users):
    a = awaiting()
    request = create([a], users)
    before = snapshot()
    with pytest.raises(ServiceError, match="高于报请金额") as refused:
        reply(request, users, {a.pk: {"approved": True, "amount_yuan": 250_000}})
    assert refused.value.code == "bad_reply"
    assert snapshot() == before
    change = reply(
        request, users, {a.pk: {"approved": True, "amount_yuan": 250_000, "reason": "批复按新标准核定"}}
    )
    services.money_change_confirm(change=change, by=users["approver"])
    assert FundingRequestItem.objects.get().approved_amount_yuan == 250_000


@pytest.mark.parametrize(
    ("decisions", "number", "message"),
    [
        ("none", "文号1", "请登记批复结果"),
        ("approve", "", "请填写批复文号"),
        ("refuse_no_reason", "文号1", "写明批复中的理由"),
        ("negative", "文号1", "不能为零或负数"),
        ("absurd", "文号1", "超出合理范围"),
    ],
)
def test_bad_replies_are_refused_in_chinese_and_change_nothing(awaiting, users, decisions, number, message):
    a = awaiting()
    request = create([a], users)
    decisions = {
        "none": {},
        "approve": {a.pk: {"approved": True, "amount_yuan": 200_000}},
        "refuse_no_reason": {a.pk: {"approved": False, "reason": " "}},
        "negative": {a.pk: {"approved": True, "amount_yuan": -5}},
        "absurd": {a.pk: {"approved": True, "amount_yuan": 10**12, "reason": "x"}},
    }[decisions]
    before = snapshot()
    with pytest.raises(ServiceError, match=message) as refused:
        reply(request, users, decisions, number=number)
    assert refused.value.code == "bad_reply"
    assert snapshot() == before


def test_a_batch_over_the_remaining_budget_waits_for_an_approver(awaiting, users):
    FundBudget.objects.create(year=2025, source_id="city", amount_yuan=300_000, basis="监财预〔2025〕1号")
    first = create([awaiting()], users)
    assert first.state == "requested"  # 200,000 of 300,000
    second_app = awaiting(reference="GB/T 9-2023")
    second = create([second_app], users, who="approver")
    assert second.state == "over_budget" and "剩余预算 100,000 元" in second.budget_note
    assert not second_app.events.filter(action="funding_request").exists()  # not yet sent
    with pytest.raises(ServiceError, match="不能登记批复") as refused:
        reply(second, users, {second_app.pk: {"approved": True, "amount_yuan": 200_000}})
    assert refused.value.code == "state"
    change = MoneyChange.objects.get(kind="over_budget")
    with pytest.raises(ServiceError, match="自己登记") as refused:
        services.money_change_confirm(change=change, by=users["approver"])
    assert refused.value.code == "own_change"
    services.money_change_confirm(change=change, by=users["approver2"])
    second.refresh_from_db()
    assert (second.state, second.budget_confirmed_by) == ("requested", users["approver2"])
    assert second_app.events.filter(action="funding_request").exists()


def test_a_refused_over_budget_batch_is_cancelled_and_frees_its_applications(awaiting, users):
    FundBudget.objects.create(year=2025, source_id="city", amount_yuan=100_000, basis="监财预〔2025〕1号")
    a = awaiting()
    request = create([a], users)
    change = MoneyChange.objects.get(kind="over_budget")
    services.money_change_refuse(change=change, by=users["approver"], comment="预算不足，下年度报请")
    request.refresh_from_db()
    assert request.state == "cancelled"
    assert not FundingRequestItem.objects.filter(live=True).exists()
    FundBudget.objects.update(amount_yuan=1_000_000)
    assert create([a], users).state == "requested"


def test_the_request_document_cites_the_policy_and_lists_the_awards(client, awaiting, users):
    a = awaiting()
    request = create([a], users)
    client.force_login(users["office"])
    response = client.get(reverse("awards:funding_request_docx", args=[request.pk]))
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert request.title in text and "监利市人民政府：" in text
    assert "监政发〔2022〕1号" in text and "合计" in "".join(c.text for c in doc.tables[0]._cells)
    cells = [c.text for c in doc.tables[0]._cells]
    assert a.enterprise.name in cells and "200,000" in cells


def test_the_ledger_shows_the_reply_number(client, awaiting, users):
    a = awaiting()
    request = create([a], users)
    change = reply(request, users, {a.pk: {"approved": True, "amount_yuan": 200_000}})
    services.money_change_confirm(change=change, by=users["approver"])
    client.force_login(users["office"])
    assert "监政函〔2025〕8号" in client.get(reverse("awards:payment_ledger")).content.decode()


# --- 7. legacy rewards carry the reply's number where known ----------------------------------


def legacy_row(**kw):
    values = {
        "row_number": 0,
        "credit_code": make_credit_code("91421081MA4LEGAC7"),
        "enterprise_name": "监利历史批复食品有限公司",
        "reward_code": "well_known_trademark",
        "award_date": dt.date(2022, 6, 15),
        "reference": "第7654321号",
        "issuing_body": "国家知识产权局",
        "amount_yuan": 500_000,
        "paid_on": dt.date(2022, 12, 20),
        "voucher_number": "PZ-1",
        "note": "",
        "approval_number": "荆政函〔2022〕5号",
        "approval_date": dt.date(2022, 12, 1),
    }
    values.update(kw)
    return services.LegacyRow(**values)


def test_a_legacy_reward_keeps_its_reply_number_and_the_ledger_shows_it(client, users):
    change = services.legacy_record(row=legacy_row(), by=users["office"], source="测试")
    services.money_change_confirm(change=change, by=users["approver"])
    legacy = Application.objects.get(is_legacy=True)
    assert (legacy.approval_number, legacy.approval_date) == ("荆政函〔2022〕5号", dt.date(2022, 12, 1))
    client.force_login(users["office"])
    page = client.get(reverse("awards:payment_ledger") + "?year=2022").content.decode()
    assert "荆政函〔2022〕5号" in page


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"approval_date": dt.date(2023, 1, 5)}, "批复日期不能晚于拨付日期"),
        ({"approval_number": ""}, "请同时填写批复文号"),
    ],
)
def test_a_legacy_reply_date_after_payment_or_without_number_is_refused(users, kw, message):
    before = snapshot()
    with pytest.raises(ServiceError, match=message) as refused:
        services.legacy_record(row=legacy_row(**kw), by=users["office"], source="测试")
    assert refused.value.code == "bad_legacy"
    assert snapshot() == before


def test_a_legacy_import_reads_the_reply_columns(users):
    from openpyxl import Workbook

    from awards.services.legacy import COLUMNS

    wb = Workbook()
    ws = wb.active
    ws.append([label for _, label in COLUMNS])
    r = legacy_row()
    ws.append(
        [
            r.credit_code,
            r.enterprise_name,
            "中国驰名商标",
            "2022-06-15",
            r.reference,
            "",
            500000,
            "2022-12-20",
            "PZ-1",
            "",
        ]
        + ["荆政函〔2022〕5号", "2022-12-01"]
    )
    buf = io.BytesIO()
    wb.save(buf)
    preview = services.legacy_import_preview(
        upload=SimpleUploadedFile("历史.xlsx", buf.getvalue()), today=TODAY
    )
    assert preview.ok, preview.errors
    assert (preview.rows[0].approval_number, preview.rows[0].approval_date) == (
        "荆政函〔2022〕5号",
        dt.date(2022, 12, 1),
    )


def test_the_ledger_shows_the_amount_the_reply_approved_and_totals_it(client, awaiting, users):
    a = awaiting()
    request = create([a], users)
    change = reply(request, users, {a.pk: {"approved": True, "amount_yuan": 150_000, "reason": ""}})
    services.money_change_confirm(change=change, by=users["approver"])
    client.force_login(users["office"])
    sheet = load_workbook(io.BytesIO(client.get(reverse("awards:payment_ledger_xlsx")).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    first, total = dict(zip(header, rows[1], strict=True)), dict(zip(header, rows[-1], strict=True))
    assert (first["核定金额（元）"], first["批复文号"]) == (150_000, "监政函〔2025〕8号")
    assert total["核定金额（元）"] == 150_000


def test_the_pages_refuse_a_mixed_batch_and_an_unexplained_reply_and_change_nothing(client, awaiting, users):
    city, province = awaiting(), awaiting("china_time_honored_brand", reference="ZHLZH-9")
    client.force_login(users["office"])
    url = reverse("awards:funding_requests")
    before = snapshot()
    page = client.post(url, {"applications": [city.pk, province.pk], "requested_on": "2025-04-01"})
    assert page.status_code == 200 and "同一资金来源" in page.content.decode()
    assert snapshot() == before
    response = client.post(url, {"applications": [city.pk], "requested_on": "2025-04-01"})
    request = FundingRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == request.get_absolute_url()
    before = snapshot()
    page = client.post(
        request.get_absolute_url(),
        {
            "reply_number": "监政函〔2025〕8号",
            "reply_date": "2025-04-08",
            f"decision_{city.pk}": "approved",
            f"amount_{city.pk}": "300000",
        },
    )
    assert "高于报请金额" in page.content.decode()
    assert snapshot() == before


def test_the_batch_list_filters_by_state_and_text_and_sorts(client, awaiting, users):
    city = awaiting()
    client.force_login(users["office"])
    url = reverse("awards:funding_requests")
    client.post(url, {"applications": [city.pk], "requested_on": "2025-04-01"})
    batch = FundingRequest.objects.get()
    titles = lambda r: [b.title for b in r.context["page_obj"]]  # noqa: E731
    assert titles(client.get(url, {"state": batch.state, "q": batch.title[:6]})) == [batch.title]
    assert titles(client.get(url, {"state": FundingRequest.State.CANCELLED})) == []
    assert "没有符合条件的报请批次" in client.get(url, {"q": "不存在"}).content.decode()
    assert "报请金额 ▼" in client.get(url, {"o": "-total"}).content.decode()
