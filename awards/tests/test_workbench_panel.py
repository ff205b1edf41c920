"""The office's 奖励兑现 panel on the workbench: every figure counted in one statement, and each the
same as counting the cases one way or another by the ORM."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from awards import selectors
from awards.models import Application, DuplicateFinding, Enterprise, MoneyChange, Objection, PublicityBatch
from awards.tests.factories import ApplicationFactory, PublicityBatchFactory
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(users):
    today = timezone.localdate()
    approver, office = users["approver"], users["office"]
    ApplicationFactory.create_batch(3)
    ApplicationFactory(first_passed=True, first_reviewed_by=approver)  # the approver reviewed it first
    ApplicationFactory.create_batch(2, first_passed=True, first_reviewed_by=office)
    ApplicationFactory(first_passed=True, first_reviewed_by=None)
    ApplicationFactory(second_passed=True)
    ending = PublicityBatchFactory(start_date=today - dt.timedelta(days=7), end_date=today)
    ApplicationFactory(in_publicity=True, publicity_batch=ending)
    PublicityBatchFactory(start_date=today - dt.timedelta(days=3), end_date=today + dt.timedelta(days=4))
    paid = ApplicationFactory(paid=True)
    ApplicationFactory(awaiting_payment=True)
    EnterpriseFactory.create_batch(2, verified=False)
    Objection.objects.create(application=paid, received_on=today, content="异议", recorded_by=office)
    Objection.objects.create(
        application=paid,
        received_on=today,
        content="已处理",
        recorded_by=office,
        outcome=Objection.Outcome.DISMISSED,
    )
    for maker in (office, office, approver):
        MoneyChange.objects.create(kind=MoneyChange.Kind.BUDGET, summary="预算", made_by=maker)
    other = ApplicationFactory(paid=True, reference="GB/T 1-2023")
    DuplicateFinding.objects.create(
        application=paid,
        other=other,
        kind=DuplicateFinding.Kind.OTHER_ENTERPRISE,
        reference_canonical="x",
        found_on="测试",
    )
    return today


def test_office_queue_agrees_with_counting_each_figure_apart(users, queue):
    approver = users["approver"]
    with CaptureQueriesContext(connection) as ctx:
        figures = selectors.office_queue(approver.pk, queue)
    assert len(ctx.captured_queries) == 1
    expected = {s: Application.objects.filter(status=s).count() for s in selectors.WORK_IN_PROGRESS}
    expected |= {
        "waiting_second": Application.objects.filter(status=Application.Status.FIRST_PASSED)
        .exclude(first_reviewed_by=approver)
        .count(),
        "unverified": Enterprise.objects.filter(verified_at__isnull=True).count(),
        "open_objections": Objection.objects.filter(outcome=Objection.Outcome.OPEN).count(),
        "closing": PublicityBatch.objects.filter(end_date=queue).count(),
        "pending_changes": MoneyChange.objects.filter(state=MoneyChange.State.PENDING)
        .exclude(made_by=approver)
        .count(),
        "open_findings": DuplicateFinding.objects.filter(ruling=DuplicateFinding.Ruling.PENDING).count(),
    }
    assert figures == expected
    # the data has something in every figure, and the approver's own work is left out of theirs
    assert all(expected.values()), expected
    assert figures["waiting_second"] == 3 and figures["pending_changes"] == 2
    assert figures["closing"] == 1


def test_the_panel_shows_the_approver_and_the_staff_their_own_queues(client, users, queue):
    client.force_login(users["approver"])
    body = client.get(reverse("core:workbench")).content.decode()
    assert '待我复核</div><div class="value">3<' in body
    assert "有 2 项资金变更" in body and "今天有 1 个公示批次截止" in body
    assert "有 1 件公示异议待处理" in body and "有 1 项疑似重复奖励" in body
    client.force_login(users["office"])
    body = client.get(reverse("core:workbench")).content.decode()
    assert '待复核</div><div class="value">4<' in body  # every first-passed case
    assert "项资金变更" not in body  # confirming changes is the approvers' work
