"""The pages, through the test client: forms, messages, nothing changed on bad input, bounded queries."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards import services
from awards.models import Application, ApplicationEvent, Attachment, MoneyChange, Objection, RewardItem
from awards.tests.factories import (
    EXE_BYTES,
    PNG_BYTES,
    ApplicationFactory,
    PublicityBatchFactory,
    approve_by_reply,
    pdf,
)
from core.models import CalendarDay, SiteSetting
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def application_form(**overrides):
    data = {
        "reward_item": "national_standard",
        "award_date": "2023-05-01",
        "reference": "GB/T 43210-2023",
        "issuing_body": "国家市场监督管理总局",
        "description": "",
        "declaration": "on",
        "attachments": [pdf()],
        "intent": "submit",
    }
    data.update(overrides)
    return data


@pytest.fixture
def ent_client(client, ent_user):
    client.force_login(ent_user)
    return client


def test_submitting_the_form_stores_the_application_and_shows_its_page(ent_client, ent_user):
    response = ent_client.post(reverse("awards:application_create"), application_form())
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == application.get_absolute_url()
    assert application.status == "submitted" and application.created_by == ent_user
    page = ent_client.get(application.get_absolute_url()).content.decode()
    assert "20 万元" in page and "提交申报" in page and "证书.pdf" in page


def test_check_button_shows_the_conclusion_and_saves_nothing(ent_client):
    response = ent_client.post(
        reverse("awards:application_create"),
        application_form(intent="check", reward_item="hubei_time_honored_brand"),
    )
    body = response.content.decode()
    assert "符合奖励条件" in body and "30 万元" in body and "以省级财政拨付为准" in body
    assert not Application.objects.exists()


def test_live_check_returns_the_conclusion_partial(ent_client):
    response = ent_client.post(
        reverse("awards:application_check"),
        {"reward_item": "national_standard", "award_date": "2021-06-01", "reference": "X"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "暂不符合" in body and "2022年1月1日" in body
    assert "<html" not in body


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"award_date": "2021-12-31"}, "2022年1月1日"),
        ({"award_date": (dt.date.today() + dt.timedelta(days=2)).isoformat()}, "晚于今天"),
        ({"reward_item": "no_such_item"}, "选择一个有效的选项"),
        ({"declaration": ""}, "真实性承诺"),
        ({"attachments": []}, "至少一份证明材料"),
        ({"attachments": [SimpleUploadedFile("证书.pdf", EXE_BYTES)]}, "不是允许的格式"),
        ({"attachments": [SimpleUploadedFile("证书.pdf", PNG_BYTES)]}, "扩展名与其实际内容"),
        ({"award_date": "not-a-date"}, "日期"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(ent_client, overrides, message):
    response = ent_client.post(reverse("awards:application_create"), application_form(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Application.objects.exists()
    assert not Attachment.objects.exists()


def test_oversized_attachment_is_refused(ent_client, settings):
    settings.MAX_ATTACHMENT_BYTES = 1024
    big = pdf("证书.pdf", b"%PDF-1.4\n" + b"0" * 4096)
    response = ent_client.post(reverse("awards:application_create"), application_form(attachments=[big]))
    assert "超过上限" in response.content.decode()
    assert not Application.objects.exists()


def test_inactive_item_is_not_offered(ent_client):
    RewardItem.objects.filter(code="scenic_3a").update(active=False)
    body = ent_client.get(reverse("awards:application_create")).content.decode()
    assert 'value="scenic_3a"' not in body and 'value="scenic_4a"' in body


def test_duplicate_submission_through_the_form_is_refused(ent_client):
    ent_client.post(reverse("awards:application_create"), application_form())
    response = ent_client.post(
        reverse("awards:application_create"), application_form(reference="gb/t43210-2023")
    )
    assert "同一奖项不得重复奖励" in response.content.decode()
    assert Application.objects.count() == 1


def test_draft_then_edit_then_submit(ent_client):
    response = ent_client.post(
        reverse("awards:application_create"),
        {"reward_item": "group_standard", "intent": "draft", "reference": "T/HBAS 001-2024"},
    )
    draft = Application.objects.get()
    assert draft.status == "draft"
    assert response["Location"] == reverse("awards:application_edit", args=[draft.pk])
    page = ent_client.get(response["Location"]).content.decode()
    assert "T/HBAS 001-2024" in page
    response = ent_client.post(
        reverse("awards:application_edit", args=[draft.pk]),
        application_form(reward_item="group_standard", reference="T/HBAS 001-2024", award_date="2024-03-01"),
    )
    draft.refresh_from_db()
    assert draft.status == "submitted" and draft.amount_yuan == 100_000


def test_another_enterprises_application_cannot_be_edited(client, users):
    application = ApplicationFactory(enterprise=users["enterprise_b"].enterprise, draft=True)
    client.force_login(users["enterprise_a"])
    response = client.post(reverse("awards:application_edit", args=[application.pk]), application_form())
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == "draft"


def test_withdraw_from_the_page(ent_client, submit):
    application = submit()
    response = ent_client.post(reverse("awards:application_withdraw", args=[application.pk]), follow=True)
    assert "已撤回" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_returned_application_shows_the_comment_and_can_be_resubmitted(ent_client, submit, users):
    application = submit()
    services.application_first_review(
        application=application, by=users["office"], decision="return", comment="请补充起草单位排名页"
    )
    page = ent_client.get(reverse("awards:application_edit", args=[application.pk])).content.decode()
    assert "请补充起草单位排名页" in page
    ent_client.post(
        reverse("awards:application_edit", args=[application.pk]), application_form(attachments=[])
    )
    application.refresh_from_db()
    assert application.status == "submitted" and application.submission_count == 2


# --- office -------------------------------------------------------------------------------------


def test_first_review_from_the_page(client, users, submit):
    application = submit()
    client.force_login(users["office"])
    response = client.post(reverse("awards:first_review", args=[application.pk]), {"decision": "pass"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "first_passed"


def test_return_without_comment_is_explained(client, users, submit):
    application = submit()
    client.force_login(users["office"])
    response = client.post(reverse("awards:first_review", args=[application.pk]), {"decision": "return"})
    assert response.status_code == 400
    assert "请写明需要补正" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"


def test_second_review_by_the_first_reviewer_is_refused_on_the_page(client, users, submit):
    application = services.application_first_review(
        application=submit(), by=users["approver"], decision="pass"
    )
    client.force_login(users["approver"])
    page = client.get(application.get_absolute_url()).content.decode()
    assert "复核须由另一位办公室负责人办理" in page
    response = client.post(reverse("awards:second_review", args=[application.pk]), {"decision": "pass"})
    assert response.status_code == 400
    assert "复核人不能与初审人为同一人" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "first_passed"


def test_review_flag_is_shown_to_the_office(client, users, submit):
    ApplicationFactory(
        enterprise=users["enterprise_a"].enterprise,
        reward_item=RewardItem.objects.get(code="china_quality_award_nomination"),
        paid=True,
    )
    application = submit(reward_code="china_quality_award", reference="CQA-2023-01")
    client.force_login(users["office"])
    assert "复核提示" in client.get(application.get_absolute_url()).content.decode()


def test_publish_objection_and_payment_from_the_pages(client, users, reviewed):
    application = reviewed()
    client.force_login(users["office"])
    today = dt.date.today()
    response = client.post(
        reverse("awards:publicity_publish"),
        {
            "applications": [application.pk],
            "start_date": today.isoformat(),
            "contact_phone": "0716-3300000",
            "contact_address": "市市场监管局",
        },
    )
    application.refresh_from_db()
    assert application.status == "publicity"
    assert response["Location"] == application.publicity_batch.get_absolute_url()
    public = client.get(reverse("awards:publicity")).content.decode()
    assert application.enterprise.name in public and "0716-3300000" in public
    response = client.post(
        reverse("awards:objection_create", args=[application.pk]),
        {"received_on": today.isoformat(), "content": "起草单位排名有误"},
    )
    objection = Objection.objects.get()
    response = client.post(
        reverse("awards:objection_resolve", args=[objection.pk]),
        {"outcome": "dismissed", "resolution": "经核实无误"},
    )
    assert response.status_code == 302
    services.publicity_advance_due(today=application.publicity_batch.end_date + dt.timedelta(days=1))
    application.refresh_from_db()
    approve_by_reply(
        [application],
        by=users["office"],
        checker=users["approver2"],
        requested_on=today - dt.timedelta(days=7),
    )
    data = {"amount_yuan": 200000, "paid_on": today.isoformat(), "voucher_number": "PZ-9"}
    response = client.post(reverse("awards:payment_record", args=[application.pk]), data)
    application.refresh_from_db()
    assert application.status == "awaiting_payment"  # recorded, waiting for the 审核人
    response = client.post(reverse("awards:payment_record", args=[application.pk]), data, follow=True)
    assert "等待审核人确认" in response.content.decode()
    change = application.money_changes.get()
    # the recorder cannot confirm; another approver can
    client.force_login(users["approver"])
    page = client.get(application.get_absolute_url()).content.decode()
    assert "确认生效" in page and "PZ-9" in page
    client.post(reverse("awards:money_change_confirm", args=[change.pk]))
    application.refresh_from_db()
    assert application.status == "paid"
    response = client.post(reverse("awards:payment_record", args=[application.pk]), data, follow=True)
    assert "不能登记拨付" in response.content.decode()
    assert application.events.filter(action="pay").count() == 1


def test_publicity_manage_counts_what_waits_and_the_publish_page_lists_it(client, users, reviewed):
    application = reviewed()
    client.force_login(users["office"])
    manage = client.get(reverse("awards:publicity_manage")).content.decode()
    assert "有 <strong>1</strong> 件复核通过的申报待公示" in manage
    assert reverse("awards:publicity_publish") in manage
    assert application.code not in manage  # the list of batches does not carry the publish form
    publish = client.get(reverse("awards:publicity_publish")).content.decode()
    assert application.code in publish and 'name="applications"' in publish
    assert Application.objects.get(pk=application.pk).status == "second_passed"  # a GET changes nothing


def test_publish_without_selection_is_explained(client, users, reviewed):
    reviewed()
    client.force_login(users["office"])
    response = client.post(
        reverse("awards:publicity_publish"),
        {"start_date": dt.date.today().isoformat(), "contact_phone": "1", "contact_address": "x"},
    )
    assert "请至少选择一项" in response.content.decode()


def test_office_verifies_an_enterprise(client, users):
    from django.core.files.base import ContentFile

    from awards.tests.factories import PDF_BYTES

    enterprise = users["enterprise_b"].enterprise
    enterprise.licence.save("licence.pdf", ContentFile(PDF_BYTES))  # verification needs the licence
    client.force_login(users["office"])
    client.post(reverse("awards:enterprise_verify", args=[enterprise.pk]))
    enterprise.refresh_from_db()
    assert enterprise.verified_by == users["office"]
    response = client.post(reverse("awards:enterprise_verify", args=[enterprise.pk]), follow=True)
    assert "无需重复核验" in response.content.decode()


def test_reward_item_correction_keeps_history_and_submitted_amounts(client, users, submit):
    application = submit()
    client.force_login(users["office"])
    response = client.post(
        reverse("awards:reward_item_edit", args=["national_standard"]),
        {
            "amount_yuan": 300000,
            "funding_source": "city",
            "active": "on",
            "effective_from": "2022-01-01",
            "amount_from": "2026-01-01",
            "reason": "监政办发〔2026〕9号",
        },
    )
    assert response.status_code == 302
    assert RewardItem.objects.get(code="national_standard").amount_yuan == 200_000  # pending
    change = MoneyChange.objects.get(state="pending")
    client.force_login(users["approver"])
    client.post(reverse("awards:money_change_confirm", args=[change.pk]))
    item = RewardItem.objects.get(code="national_standard")
    assert item.amount_yuan == 300_000
    assert item.history.first().history_change_reason.startswith(
        "监政办发〔2026〕9号（经办人 办公室甲，审核人 瞿建民）"
    )
    assert item.history.first().history_user == users["approver"]
    application.refresh_from_db()
    assert application.amount_yuan == 200_000


def test_reward_item_correction_needs_a_reason(client, users):
    client.force_login(users["office"])
    response = client.post(
        reverse("awards:reward_item_edit", args=["national_standard"]),
        {"amount_yuan": 1, "funding_source": "city", "effective_from": "2022-01-01", "reason": ""},
    )
    assert response.status_code == 200
    assert RewardItem.objects.get(code="national_standard").amount_yuan == 200_000


def test_office_sets_the_window_and_the_calendar(client, users):
    client.force_login(users["office"])
    client.post(
        reverse("awards:office_settings"),
        {"form": "settings", "publicity_workdays": 7, "review_service_limit_workdays": 12},
    )
    assert SiteSetting.get().publicity_workdays == 7
    client.post(
        reverse("awards:office_settings"),
        {"form": "day", "day": "2027-02-08", "is_workday": "0", "note": "春节"},
    )
    entry = CalendarDay.objects.get(date=dt.date(2027, 2, 8))
    assert entry.is_workday is False
    client.post(reverse("awards:calendar_day_delete", args=[entry.pk]))
    assert not CalendarDay.objects.exists()
    response = client.post(
        reverse("awards:office_settings"),
        {"form": "settings", "publicity_workdays": 0, "review_service_limit_workdays": 12},
    )
    assert response.status_code == 200
    assert SiteSetting.get().publicity_workdays == 7


# --- bounded queries --------------------------------------------------------------------------


def _many(users, n):
    ent = users["enterprise_a"].enterprise
    batch = PublicityBatchFactory(start_date=dt.date.today(), end_date=dt.date.today() + dt.timedelta(days=7))
    for _ in range(n):
        ApplicationFactory(enterprise=ent)
        ApplicationFactory(enterprise=EnterpriseFactory(), in_publicity=True, publicity_batch=batch)
        ApplicationFactory(enterprise=EnterpriseFactory(), second_passed=True)
        ApplicationFactory(enterprise=EnterpriseFactory(), paid=True)


@pytest.mark.parametrize(
    "role,name",
    [
        ("enterprise_a", "awards:my_applications"),
        ("office", "awards:office_applications"),
        ("office", "awards:enterprise_list"),
        ("office", "awards:payment_ledger"),
        ("office", "awards:publicity_manage"),
        ("office", "awards:publicity_publish"),
        ("office", "awards:money"),
        ("anonymous", "awards:publicity"),
    ],
)
def test_list_pages_use_a_bounded_number_of_queries(client, users, django_assert_max_num_queries, role, name):
    if role != "anonymous":
        client.force_login(users[role])
    _many(users, 2)
    with django_assert_max_num_queries(40) as small:
        assert client.get(reverse(name)).status_code == 200
    sorted_url = reverse(name) + "?o=-name&state=all&q=公司"  # a filter and a sort: the same count
    with django_assert_max_num_queries(40) as small_sorted:
        assert client.get(sorted_url).status_code == 200
    _many(users, 8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse(name)).status_code == 200
    with django_assert_max_num_queries(len(small_sorted.captured_queries)):
        assert client.get(sorted_url).status_code == 200


@pytest.mark.parametrize("role", ["enterprise_a", "office", "approver"])
def test_workbench_panels_use_a_bounded_number_of_queries(users, django_assert_max_num_queries, role):
    from django.template.loader import render_to_string

    from awards.workbench import panels

    def render():
        for panel in panels(users[role]):
            render_to_string(panel["template"], {"panel": panel})

    _many(users, 2)
    with django_assert_max_num_queries(20) as small:
        render()
    _many(users, 8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        render()


def test_application_page_shows_the_timeline_to_the_enterprise(ent_client, reviewed):
    application = reviewed()
    body = ent_client.get(application.get_absolute_url()).content.decode()
    for label in ("提交申报", "初审通过", "复核通过", "办公室甲", "瞿建民"):
        assert label in body
    assert ApplicationEvent.objects.filter(application=application).count() == 3


def test_after_withdrawal_the_page_does_not_speak_of_waiting_for_review(ent_client, submit):
    """Issue 19 point 10: no "申报已核验后才能进入审核" on a withdrawn application."""
    application = submit()
    application.enterprise.verified_at = None
    application.enterprise.save()
    ent_client.post(reverse("awards:application_withdraw", args=[application.pk]))
    page = ent_client.get(reverse("awards:application_detail", args=[application.pk])).content.decode()
    assert "核验后才能进入审核" not in page and "核验通过后才能进入审核" not in page


def test_verification_needs_the_licence(client, users):
    """Issue 19 point 11: 核验通过 is not possible while the 营业执照 is missing."""
    enterprise = users["enterprise_b"].enterprise
    enterprise.licence = ""
    enterprise.save()
    client.force_login(users["office"])
    page = client.get(reverse("awards:enterprise_detail", args=[enterprise.pk])).content.decode()
    assert "不能核验通过" in page and reverse("awards:enterprise_verify", args=[enterprise.pk]) not in page
    response = client.post(reverse("awards:enterprise_verify", args=[enterprise.pk]), follow=True)
    assert "尚未上传营业执照" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.verified_at is None


def test_office_refuses_verification_with_a_reason_the_enterprise_sees(client, users):
    from notifications.models import Notification

    enterprise = users["enterprise_b"].enterprise
    client.force_login(users["office"])
    response = client.post(
        reverse("awards:enterprise_refuse", args=[enterprise.pk]), {"reason": "  "}, follow=True
    )
    assert "请写明核验不通过的理由" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.refused_at is None
    client.post(
        reverse("awards:enterprise_refuse", args=[enterprise.pk]), {"reason": "营业执照不清晰，请重新上传。"}
    )
    enterprise.refresh_from_db()
    assert (
        enterprise.is_refused and enterprise.refused_by == users["office"] and enterprise.verified_at is None
    )
    assert Notification.objects.filter(
        recipient=users["enterprise_b"], body__contains="营业执照不清晰"
    ).exists()
    client.force_login(users["enterprise_b"])
    page = client.get(reverse("awards:enterprise_detail", args=[enterprise.pk])).content.decode()
    assert "核验不通过" in page and "营业执照不清晰" in page


def test_a_new_licence_clears_the_refusal_for_a_fresh_check(client, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from awards import services
    from awards.tests.factories import PDF_BYTES

    enterprise = users["enterprise_b"].enterprise
    services.enterprise_refuse_verification(enterprise=enterprise, by=users["office"], reason="执照模糊")
    client.force_login(users["enterprise_b"])
    client.post(
        reverse("awards:enterprise_edit"),
        {
            "address": "监利市容城镇新址 2 号",
            "contact_person": "张三",
            "contact_phone": "13800000000",
            "licence": SimpleUploadedFile("执照.pdf", PDF_BYTES, content_type="application/pdf"),
        },
    )
    enterprise.refresh_from_db()
    assert not enterprise.is_refused and enterprise.refusal_reason == ""
    assert enterprise.address == "监利市容城镇新址 2 号"
