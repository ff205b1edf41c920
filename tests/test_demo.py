"""First run (issue 16, point 8): ``seed_demo`` gives every demo role something to do today."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from awards.models import Application
from meetings.models import ExtensionRequest, FollowUpAssignment, Meeting
from meetings.tests.factories import on
from targets.models import Report, ReportingPeriod

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def seeded(policy):
    with on(TODAY):
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
    return out.getvalue()


def _page(client, username, url_name, *args):
    client.force_login(User.objects.get(username=username))
    with on(TODAY):
        response = client.get(reverse(url_name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_demo_data_gives_each_role_work_today(client, seeded):
    assert "今天可以试的事" in seeded
    period = ReportingPeriod.objects.get(year=2026, half=2, status="open")
    assert period.due_date >= TODAY and "示例" in period.plan.name
    assert Report.objects.filter(period=period, unit__name="市农业农村局", status="not_started").exists()
    meeting = Meeting.objects.get(year=2026, half=2)
    assert meeting.status == Meeting.Status.PREPARING and "示例" in meeting.place
    history = Meeting.objects.get(year=2026, half=1)
    assert history.is_history and "示例" in history.minutes_overview
    overdue = FollowUpAssignment.objects.get(unit__name="市农业农村局", phase="signed")
    assert overdue.status_on(TODAY).label == "逾期" and overdue.item.title.startswith("【示例】")
    assert ExtensionRequest.objects.filter(status="pending").count() == 1
    assert Application.objects.get().status == "submitted"

    # the unit: a report to fill and an overdue item on its workbench
    page = _page(client, "unit_nync", "core:workbench")
    assert "2026年下半年" in page and "建立地理标志产品监管台账" in page
    # the office: the application waiting for first review, and the meeting's first item reports
    # on the previous (history) meeting's decisions
    assert "监利示范米业有限公司" in _page(client, "office", "awards:office_applications")
    detail = _page(client, "office", "meetings:meeting_detail", meeting.pk)
    assert "建立地理标志产品监管台账" in detail and "完成监利大米地理标志申报材料" in detail
    assert "建立地理标志产品监管台账" in _page(client, "office", "meetings:followup_overdue")
    # the director: a 延期申请 to decide, on the workbench
    assert "延期申请待您审批" in _page(client, "director", "core:workbench")
    ext = ExtensionRequest.objects.get()
    assert "提交审批意见" in _page(client, "director", "meetings:followup_detail", ext.assignment_id)
    # the enterprise: its submitted application
    assert "地理标志" in _page(client, "ent_rice", "core:workbench")


def test_seed_demo_twice_creates_nothing_more(seeded):
    counts = (Meeting.objects.count(), Report.objects.count(), Application.objects.count())
    with on(TODAY):
        call_command("seed_demo", stdout=io.StringIO())
    assert (Meeting.objects.count(), Report.objects.count(), Application.objects.count()) == counts
    assert ExtensionRequest.objects.count() == 1


def test_no_demo_data_in_production(policy, settings):
    from django.core.management.base import CommandError

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="生产模式"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not Meeting.objects.exists() and not User.objects.filter(username="office").exists()
