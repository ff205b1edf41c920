"""Drafts, submission, withdrawal: the enterprise side of the workflow."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from awards import services
from awards.models import Application, ApplicationEvent, RewardItem
from awards.tests.factories import pdf
from core.errors import ServiceError
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_submission_stores_the_assessment_and_a_timeline_step(submit, ent_user):
    application = submit(reward_code="china_time_honored_brand", reference="ZHLZH-2023-001")
    assert application.status == Application.Status.SUBMITTED
    assert (application.amount_yuan, application.funding_source_id, application.provisional) == (
        500_000,
        "province",
        True,
    )
    assert application.submission_count == 1
    assert application.declared_at and application.submitted_at
    assert application.reference_canonical == "zhlzh-2023-001"
    assert application.attachments.count() == 1
    event = application.events.get()
    assert (event.action, event.to_status, event.actor) == ("submit", "submitted", ent_user)
    assert application.history.count() == 1


def test_submission_notifies_the_office_once_per_submission(submit, users):
    application = submit()
    occasion = f"application:{application.pk}:submitted:1"
    assert Notification.objects.filter(occasion=occasion, recipient=users["office"]).exists()
    assert not Notification.objects.filter(occasion=occasion, recipient=users["enterprise_b"]).exists()


def test_the_application_keeps_its_amount_when_the_schedule_changes_later(submit):
    application = submit()
    RewardItem.objects.filter(code="national_standard").update(amount_yuan=250_000)
    application.refresh_from_db()
    assert application.amount_yuan == 200_000


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"award_date": dt.date(2021, 12, 31)}, "2022年1月1日"),
        ({"award_date": dt.date.today() + dt.timedelta(days=3)}, "晚于今天"),
        ({"reward_code": "no_such_item"}, "奖励项目"),
        ({"reference": ""}, "编号"),
    ],
)
def test_a_refused_submission_changes_nothing(submit, overrides, message):
    with pytest.raises(ServiceError) as exc:
        submit(**overrides)
    assert exc.value.code == "not_eligible"
    assert any(message in m for m in exc.value.messages)
    assert Application.objects.count() == 0
    assert ApplicationEvent.objects.count() == 0
    assert Notification.objects.count() == 0


def test_inactive_item_is_refused(submit):
    RewardItem.objects.filter(code="national_standard").update(active=False)
    with pytest.raises(ServiceError, match="停用") as refused:
        submit()
    assert refused.value.code == "not_eligible"
    assert Application.objects.count() == 0


def test_duplicate_application_is_refused_with_the_policy_sentence(submit):
    first = submit()
    with pytest.raises(ServiceError) as exc:
        submit(reference="gb/t 43210-2023")
    assert exc.value.code == "not_eligible"
    assert "同一奖项不得重复奖励" in exc.value.messages[0]
    assert list(Application.objects.values_list("pk", flat=True)) == [first.pk]


def test_database_constraint_refuses_a_duplicate_that_slipped_past_the_check(submit, monkeypatch):
    """As when two requests pass the check at the same moment: the constraint decides, in Chinese."""
    submit()
    from awards.services import applications as module

    real = module.check_eligibility

    def blind(**kwargs):
        kwargs["reference"] = kwargs["reference"] + "-not-seen"
        result = real(**kwargs)
        return result

    monkeypatch.setattr(module, "check_eligibility", blind)
    with pytest.raises(ServiceError) as exc:
        submit()
    assert exc.value.code == "duplicate"
    assert "同一奖项不得重复奖励" in exc.value.messages[0]
    assert Application.objects.count() == 1


def test_a_new_application_is_allowed_after_the_first_was_withdrawn(submit, ent_user):
    first = submit()
    services.application_withdraw(application=first, by=ent_user)
    second = submit()
    assert second.pk != first.pk
    assert Application.objects.filter(status="submitted").count() == 1


def test_draft_is_saved_without_checks_and_submitted_later(ent_user):
    draft = services.application_save_draft(
        enterprise=ent_user.enterprise, reward_code="well_known_trademark", by=ent_user
    )
    assert draft.status == Application.Status.DRAFT
    assert draft.events.get().action == ApplicationEvent.Action.CREATE
    submitted = services.application_submit(
        enterprise=ent_user.enterprise,
        reward_code="well_known_trademark",
        award_date=dt.date(2024, 2, 1),
        reference="第 9876543 号",
        by=ent_user,
        application=draft,
    )
    assert submitted.pk == draft.pk
    assert submitted.status == Application.Status.SUBMITTED
    assert submitted.amount_yuan == 500_000


def test_drafts_of_the_same_award_collide_too(ent_user):
    values = {"enterprise": ent_user.enterprise, "reward_code": "well_known_trademark", "by": ent_user}
    services.application_save_draft(reference="TM-1", **values)
    with pytest.raises(ServiceError, match="同一奖项不得重复奖励") as refused:
        services.application_save_draft(reference="tm-1", **values)
    assert refused.value.code == "duplicate"
    assert Application.objects.count() == 1


def test_enterprise_cannot_submit_for_another_enterprise(submit, users):
    with pytest.raises(PermissionDenied):
        submit(user=users["enterprise_b"], enterprise=users["enterprise_a"].enterprise)
    assert Application.objects.count() == 0


def test_submitted_application_can_be_withdrawn_until_reviewed(submit, ent_user, users):
    application = submit()
    services.application_withdraw(application=application, by=ent_user, reason="材料有误")
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    assert application.events.last().comment == "材料有误"


def test_reviewed_application_cannot_be_withdrawn(submit, ent_user, users):
    application = submit()
    services.application_first_review(application=application, by=users["office"], decision="pass")
    with pytest.raises(ServiceError, match="不能撤回") as refused:
        services.application_withdraw(application=application, by=ent_user)
    assert refused.value.code == "illegal_transition"
    application.refresh_from_db()
    assert application.status == Application.Status.FIRST_PASSED


def test_submitted_application_cannot_be_edited_as_a_draft(submit, ent_user):
    application = submit()
    with pytest.raises(ServiceError, match="不能修改") as refused:
        services.application_save_draft(
            enterprise=ent_user.enterprise,
            reward_code="national_standard",
            by=ent_user,
            reference="OTHER",
            application=application,
        )
    assert refused.value.code == "illegal_transition"
    application.refresh_from_db()
    assert application.reference == "GB/T 43210-2023"


def test_returned_application_is_corrected_and_resubmitted(submit, ent_user, users):
    application = submit()
    services.application_first_review(
        application=application, by=users["office"], decision="return", comment="请补充标准文本封面"
    )
    resubmitted = services.application_submit(
        enterprise=ent_user.enterprise,
        reward_code="national_standard",
        award_date=dt.date(2023, 5, 1),
        reference="GB/T 43210-2023",
        by=ent_user,
        application=application,
        attachments=[pdf("封面.pdf")],
    )
    assert resubmitted.status == Application.Status.SUBMITTED
    assert resubmitted.submission_count == 2
    assert resubmitted.attachments.count() == 2
    assert [e.action for e in resubmitted.events.all()] == ["submit", "return", "resubmit"]
    assert Notification.objects.filter(occasion=f"application:{application.pk}:submitted:2").exists()


def test_each_transition_notifies_the_enterprise_users(submit, ent_user, users):
    application = submit()
    services.application_first_review(
        application=application, by=users["office"], decision="return", comment="请补充材料"
    )
    notes = Notification.objects.filter(recipient=ent_user, channel="inapp").order_by("id")
    assert [n.subject.split("：")[-1] for n in notes] == ["提交申报", "初审退回补正"]
    assert "请补充材料" in notes.last().body


def test_attachment_can_be_removed_only_while_editable(submit, ent_user, users):
    application = submit()
    attachment = application.attachments.get()
    with pytest.raises(ServiceError) as refused:
        services.attachment_remove(attachment=attachment, by=ent_user)
    assert refused.value.code == "illegal_transition"
    assert application.attachments.count() == 1
    services.application_first_review(
        application=application, by=users["office"], decision="return", comment="换证书"
    )
    services.attachment_remove(attachment=attachment, by=ent_user)
    assert application.attachments.count() == 0
