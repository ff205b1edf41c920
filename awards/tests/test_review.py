"""初审 and 复核: two people, recorded steps, illegal transitions refused by the service."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError

from awards import services
from awards.models import Application
from core.errors import ServiceError

pytestmark = pytest.mark.django_db
Status = Application.Status


def test_first_review_pass_records_the_reviewer(submit, users):
    application = services.application_first_review(
        application=submit(), by=users["office"], decision="pass", comment="材料齐全"
    )
    assert application.status == Status.FIRST_PASSED
    assert application.first_reviewed_by == users["office"]
    event = application.events.last()
    assert (event.action, event.actor, event.comment) == ("first_pass", users["office"], "材料齐全")


@pytest.mark.parametrize("decision", ["return", "reject"])
def test_return_and_reject_need_a_comment(submit, users, decision):
    application = submit()
    with pytest.raises(ServiceError, match="请写明") as refused:
        services.application_first_review(application=application, by=users["office"], decision=decision)
    assert refused.value.code == "comment_required"
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.events.count() == 1


def test_reject_with_a_reason_ends_the_application(submit, users):
    application = services.application_first_review(
        application=submit(), by=users["office"], decision="reject", comment="非主导制定单位"
    )
    assert application.status == Status.REJECTED


def test_unverified_enterprise_cannot_be_reviewed(submit, users):
    application = submit()
    application.enterprise.verified_at = None
    application.enterprise.save()
    with pytest.raises(ServiceError, match="核验") as refused:
        services.application_first_review(application=application, by=users["office"], decision="pass")
    assert refused.value.code == "enterprise_unverified"
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


@pytest.mark.parametrize("role", ["enterprise_a", "unit_a", "admin"])
def test_review_by_a_non_office_user_is_refused(submit, users, role):
    application = submit()
    with pytest.raises(PermissionDenied):
        services.application_first_review(application=application, by=users[role], decision="pass")
    with pytest.raises(PermissionDenied):
        services.application_second_review(application=application, by=users[role], decision="pass")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_second_review_by_the_first_reviewer_is_refused(submit, users):
    application = services.application_first_review(
        application=submit(), by=users["approver"], decision="pass"
    )
    with pytest.raises(ServiceError, match="复核人不能与初审人为同一人") as refused:
        services.application_second_review(application=application, by=users["approver"], decision="pass")
    assert refused.value.code == "same_reviewer"
    application.refresh_from_db()
    assert application.status == Status.FIRST_PASSED
    assert application.second_reviewed_by is None


def test_database_refuses_the_same_person_as_both_reviewers(submit, users):
    application = services.application_first_review(
        application=submit(), by=users["approver"], decision="pass"
    )
    with pytest.raises(IntegrityError):
        Application.objects.filter(pk=application.pk).update(second_reviewed_by=users["approver"])


def test_second_review_by_office_staff_is_refused(submit, users):
    application = services.application_first_review(application=submit(), by=users["office"], decision="pass")
    with pytest.raises(PermissionDenied):
        services.application_second_review(application=application, by=users["office"], decision="pass")


def test_second_review_by_another_approver_passes(submit, users):
    application = services.application_first_review(application=submit(), by=users["office"], decision="pass")
    application = services.application_second_review(
        application=application, by=users["approver"], decision="pass"
    )
    assert application.status == Status.SECOND_PASSED
    assert application.second_reviewed_by == users["approver"]


def test_second_review_can_send_back_to_first_review(submit, users):
    application = services.application_first_review(application=submit(), by=users["office"], decision="pass")
    application = services.application_second_review(
        application=application, by=users["approver"], decision="return", comment="请核对发布日期"
    )
    assert application.status == Status.SUBMITTED
    assert application.first_reviewed_by is None
    assert application.events.last().action == "second_return"


@pytest.mark.parametrize(
    "status,service,role",
    [
        (Status.FIRST_PASSED, "application_first_review", "office"),
        (Status.SUBMITTED, "application_second_review", "approver"),
        (Status.SECOND_PASSED, "application_second_review", "approver2"),
        (Status.WITHDRAWN, "application_first_review", "office"),
        (Status.REJECTED, "application_second_review", "approver"),
    ],
)
def test_illegal_transitions_are_refused(users, status, service, role):
    from awards.tests.factories import ApplicationFactory

    application = ApplicationFactory(status=status)
    with pytest.raises(ServiceError, match="不能") as refused:
        getattr(services, service)(application=application, by=users[role], decision="pass")
    assert refused.value.code == "illegal_transition"
    application.refresh_from_db()
    assert application.status == status
    assert not application.events.exists()
