"""Rewards paid before the system existed: office form and xlsx import (preview, then confirm)."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from awards import services
from awards.models import Application, Enterprise, MoneyChange
from awards.services.legacy import COLUMNS
from core.errors import ServiceError
from core.models import ImportBatch
from portal.demo import make_credit_code

pytestmark = pytest.mark.django_db

CODE_NEW = make_credit_code("91421081MA4LEGAC1")


def xlsx(rows, header=None) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(header or [label for _, label in COLUMNS])
    for row in rows:
        ws.append(row)
    for cells in ws.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula, as a hostile sheet would hold it
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("历史兑现.xlsx", buf.getvalue())


def good_row(code=CODE_NEW, reference="第 1234567 号", item="中国驰名商标"):
    return [
        code,
        "监利老字号食品有限公司",
        item,
        "2022-06-15",
        reference,
        "国家知识产权局",
        500000,
        dt.date(2022, 12, 20),
        "PZ-1",
        "",
    ]


def row(**kw):
    values = {
        "row_number": 0,
        "credit_code": CODE_NEW,
        "enterprise_name": "监利老字号食品有限公司",
        "reward_code": "well_known_trademark",
        "award_date": dt.date(2022, 6, 15),
        "reference": "第1234567号",
        "issuing_body": "国家知识产权局",
        "amount_yuan": 500_000,
        "paid_on": dt.date(2022, 12, 20),
        "voucher_number": "PZ-1",
        "note": "",
    }
    values.update(kw)
    return services.LegacyRow(**values)


def entered(change, users, checker="approver"):
    """The other person confirms the pending legacy entry; returns what it entered."""
    change = services.money_change_confirm(change=change, by=users[checker])
    return list(Application.objects.filter(pk__in=change.payload["created_ids"]).order_by("id"))


def test_legacy_record_is_pending_until_another_approver_confirms_it(users):
    change = services.legacy_record(row=row(), by=users["office"], source="测试")
    assert change.state == "pending" and change.made_by == users["office"]
    assert not Application.objects.exists()  # nothing entered yet
    assert not Enterprise.objects.filter(credit_code=CODE_NEW).exists()


def test_legacy_record_is_a_paid_application_with_history(users):
    change = services.legacy_record(row=row(), by=users["office"], source="测试")
    [application] = entered(change, users)
    assert (application.payment_recorded_by, application.payment_confirmed_by) == (
        users["office"],
        users["approver"],
    )
    assert application.status == Application.Status.PAID
    assert application.is_legacy
    assert (application.amount_yuan, application.paid_amount_yuan) == (500_000, 500_000)
    assert application.enterprise.credit_code == CODE_NEW and application.enterprise.is_verified
    assert application.history.count() == 1
    assert application.events.get().action == "legacy"


def test_a_legacy_reward_blocks_a_new_application_for_the_same_award(users):
    change = services.legacy_record(
        row=row(credit_code=users["enterprise_a"].enterprise.credit_code, enterprise_name=""),
        by=users["office"],
    )
    entered(change, users)
    with pytest.raises(Exception, match="同一奖项不得重复奖励"):
        services.application_submit(
            enterprise=users["enterprise_a"].enterprise,
            reward_code="well_known_trademark",
            award_date=dt.date(2022, 6, 15),
            reference="第 1234567 号",
            by=users["enterprise_a"],
        )


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"credit_code": "91421081MA4LEGAC10"}, "校验位"),
        ({"award_date": dt.date(2021, 6, 1)}, "2022年1月1日"),
        ({"reward_code": "unknown"}, "奖励项目"),
        ({"paid_on": dt.date(2022, 1, 1)}, "早于获奖日期"),
        ({"amount_yuan": 0}, "正整数"),
        ({"enterprise_name": ""}, "企业名称"),
    ],
)
def test_bad_legacy_record_is_refused_and_nothing_saved(users, overrides, message):
    with pytest.raises(Exception, match=message):
        services.legacy_record(row=row(**overrides), by=users["office"])
    assert not Application.objects.exists()
    assert not Enterprise.objects.filter(credit_code=CODE_NEW).exists()


def test_legacy_record_is_for_the_office_only(users):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.legacy_record(row=row(), by=users["enterprise_a"])


def test_office_form_creates_a_legacy_record(client, users):
    client.force_login(users["office"])
    response = client.post(
        reverse("awards:legacy_create"),
        {
            "credit_code": CODE_NEW.lower(),
            "enterprise_name": "监利老字号食品有限公司",
            "reward_item": "well_known_trademark",
            "award_date": "2022-06-15",
            "reference": "第1234567号",
            "amount_yuan": "500000",
            "paid_on": "2022-12-20",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("awards:money_changes")
    assert not Application.objects.exists()
    change = MoneyChange.objects.get(state="pending")
    client.force_login(users["approver"])
    client.post(reverse("awards:money_change_confirm", args=[change.pk]))
    application = Application.objects.get()
    assert (application.is_legacy, application.paid_amount_yuan) == (True, 500_000)


def test_office_form_shows_the_duplicate_in_chinese(client, users):
    entered(services.legacy_record(row=row(), by=users["office"]), users)
    client.force_login(users["office"])
    response = client.post(
        reverse("awards:legacy_create"),
        {
            "credit_code": CODE_NEW,
            "reward_item": "well_known_trademark",
            "award_date": "2022-06-15",
            "reference": "第 1234567 号",
            "amount_yuan": "500000",
            "paid_on": "2022-12-20",
        },
    )
    assert response.status_code == 200
    assert "同一奖项不得重复奖励" in response.content.decode()
    assert Application.objects.count() == 1


def test_import_previews_then_confirms_every_row(client, users):
    client.force_login(users["office"])
    upload = xlsx([good_row(), good_row(reference="第 7654321 号", item="geographical_indication")])
    response = client.post(reverse("awards:legacy_import"), {"file": upload}, follow=True)
    body = response.content.decode()
    assert "全部 2 行检查无误" in body and "监利老字号食品有限公司" in body
    assert not Application.objects.exists()  # a preview stores nothing
    response = client.post(reverse("awards:legacy_import_confirm"))
    assert response.status_code == 302
    assert not Application.objects.exists()  # one pending change for the whole file
    entered(MoneyChange.objects.get(kind="legacy_import"), users)
    assert Application.objects.filter(is_legacy=True, status="paid").count() == 2
    assert all(a.history.exists() for a in Application.objects.all())
    assert (
        Application.objects.get(reward_item__code="geographical_indication")
        .events.get()
        .comment.endswith("第 3 行。经办人 办公室甲，审核人 瞿建民。")
    )


@pytest.mark.parametrize(
    "bad,message",
    [
        (good_row(code="123"), "18 位"),
        (good_row(item="诺贝尔奖"), "不在奖励标准中"),
        (
            [CODE_NEW, "某公司", "中国驰名商标", "2021-12-31", "X", "", 1, "2022-01-05", "", ""],
            "2022年1月1日",
        ),
        (
            [
                CODE_NEW,
                '=HYPERLINK("http://x")',
                "中国驰名商标",
                "2022-06-15",
                "X",
                "",
                1,
                "2022-07-05",
                "",
                "",
            ],
            "疑似公式",
        ),
        ([CODE_NEW, "某公司", "中国驰名商标", "下个月", "X", "", 1, "2022-07-05", "", ""], "不是有效日期"),
        ([CODE_NEW, "某公司", "中国驰名商标", "2022-06-15", "X", "", "五十万", "2022-07-05", "", ""], "整数"),
        (good_row(reference="第 1234567 号 "), "与第 2 行是同一奖项"),
    ],
)
def test_import_with_a_bad_row_shows_row_errors_and_saves_nothing(client, users, bad, message):
    client.force_login(users["office"])
    response = client.post(reverse("awards:legacy_import"), {"file": xlsx([good_row(), bad])})
    body = response.content.decode()
    assert "第 3 行" in body and message in body
    assert reverse("awards:legacy_import_confirm") not in body
    assert not ImportBatch.objects.exists()
    assert client.post(reverse("awards:legacy_import_confirm")).status_code == 302
    assert not Application.objects.exists()
    assert not Enterprise.objects.filter(credit_code=CODE_NEW).exists()


def test_import_refuses_a_file_that_is_not_xlsx(client, users):
    client.force_login(users["office"])
    fake = SimpleUploadedFile("历史.xlsx", b"MZ\x90\x00 this is an executable")
    response = client.post(reverse("awards:legacy_import"), {"file": fake})
    assert "不是允许的格式" in response.content.decode()


def test_import_refuses_a_sheet_without_the_template_header(client, users):
    client.force_login(users["office"])
    response = client.post(reverse("awards:legacy_import"), {"file": xlsx([good_row()], header=["a", "b"])})
    assert "表头缺少以下列" in response.content.decode()


def test_rows_that_became_duplicates_after_preview_cancel_the_whole_import(client, users):
    client.force_login(users["office"])
    client.post(reverse("awards:legacy_import"), {"file": xlsx([good_row(), good_row(reference="B-2")])})
    entered(services.legacy_record(row=row(reference="B-2"), by=users["approver2"]), users)  # meanwhile
    response = client.post(reverse("awards:legacy_import_confirm"), follow=True)
    assert "本次导入已全部取消" in response.content.decode()
    assert Application.objects.count() == 1


def test_a_pending_import_that_became_a_duplicate_is_refused_whole_at_confirmation(users):
    change = services.legacy_import_confirm(
        rows=[row(row_number=2), row(row_number=3, reference="B-2")],
        by=users["office"],
        source_name="x",
    )
    entered(services.legacy_record(row=row(reference="B-2"), by=users["approver2"]), users)  # meanwhile
    with pytest.raises(ServiceError, match="第 3 行.*本次录入已全部取消") as refused:
        services.money_change_confirm(change=change, by=users["approver"])
    assert refused.value.code == "bad_row"
    assert Application.objects.count() == 1
    change.refresh_from_db()
    assert change.state == "pending"


def test_template_download_is_an_xlsx_with_the_columns(client, users):
    from openpyxl import load_workbook

    client.force_login(users["office"])
    response = client.get(reverse("awards:legacy_template"))
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.worksheets[0][1]] == [label for _, label in COLUMNS]
    assert wb.worksheets[1].max_row == 19  # header + the 18 items


def test_a_second_click_on_confirm_shows_the_result_and_imports_nothing_again(client, users):
    client.force_login(users["office"])
    client.post(reverse("awards:legacy_import"), {"file": xlsx([good_row()])})
    first = client.post(reverse("awards:legacy_import_confirm"))
    second = client.post(reverse("awards:legacy_import_confirm"), follow=True)
    assert first.status_code == 302
    assert second.status_code == 200
    text = second.content.decode()
    assert "1 条历史兑现记录已登记导入，待另一位办公室负责人确认后一并录入。（该文件已于" in text
    assert "未重复导入" in text
    # one pending import for the checker, nothing entered twice
    assert MoneyChange.objects.filter(kind="legacy_import", state="pending").count() == 1
    assert not Application.objects.filter(is_legacy=True).exists()


def test_a_confirm_from_another_tab_after_the_first_shows_its_result_and_imports_nothing(client, users):
    from core.imports import import_confirm

    client.force_login(users["office"])
    client.post(reverse("awards:legacy_import"), {"file": xlsx([good_row()])})
    import_confirm(batch=ImportBatch.objects.get(), by=users["office"])  # the first tab's click
    response = client.post(reverse("core:import_confirm", args=[ImportBatch.objects.get().pk]), follow=True)
    assert response.status_code == 200
    assert "未重复导入" in response.content.decode()
    assert MoneyChange.objects.filter(kind="legacy_import").count() == 1
    assert not Application.objects.exists()
