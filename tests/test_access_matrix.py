"""Issue 7, point 2: every URL pattern of the project × every role, against the table of
``tests/access_matrix_table.py`` (derived from docs/design.md "Roles").

Each URL is requested with real ids of a world owned by enterprise A and unit A, as anonymous,
enterprise A, enterprise B, unit A, unit B, office staff, office approver and the IT admin. Every
request runs in a savepoint that is rolled back, so a POST changes nothing for the next cell, and
with the on-commit callbacks captured (never run), so no broker is touched.
"""

import datetime as dt
import io
from types import SimpleNamespace

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from assessment.models import AssessmentScheme
from awards import services as awards_services
from awards.models import DuplicateFinding, RewardItem
from awards.tests.factories import ApplicationFactory, pdf
from committee.models import Seat
from committee.tests.factories import UnitContactFactory
from core.models import CalendarDay, ImportBatch
from meetings import services as meetings_services
from meetings.models import BusinessKind
from meetings.tests.factories import WorkPlanFactory, decision, held_meeting, notified_meeting, on, publish
from notifications.models import Notification
from notifications.services import notify
from scheduler.halves import HalfYear
from scheduler.services import half_year_report_build
from targets.models import Report
from targets.services import period_open

from .access_matrix_table import ACT, ADMIN_LOGIN, LOGIN, ROLE_USERS, ROLES, TABLE

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
BUILT_AT = dt.datetime(2025, 9, 1, 10, 0, tzinfo=SHANGHAI)  # 2025 上半年 is over, its reports due
ASKED_AT = dt.datetime(2025, 10, 10, 10, 0, tzinfo=SHANGHAI)  # the meeting's decision is overdue
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def project_url_names() -> set[str]:
    """Every URL pattern of the project by its namespaced name; of the Django admin's own patterns
    only its index. A pattern without a name is listed by its route, so it can never match a row."""
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                if namespace.startswith("admin:"):
                    if pattern.name == "index":
                        names.add("admin:index")
                    continue
                names.add(
                    f"{namespace}{pattern.name}"
                    if pattern.name
                    else f"<unnamed {namespace}{pattern.pattern}>"
                )

    walk(get_resolver().url_patterns, "")
    return names


def test_every_url_pattern_of_the_project_has_a_row_in_the_access_table():
    names = project_url_names()
    missing = sorted(names - TABLE.keys())
    stale = sorted(TABLE.keys() - names)
    malformed = sorted(
        name
        for name, row in TABLE.items()
        if len(row.expected) != len(ROLES) or (ACT in row.expected and row.method != "POST")
    )
    assert not malformed, f"rows without one cell per role, or ACT on a GET: {malformed}"
    assert not missing and not stale, (
        f"URL patterns without a row in tests/access_matrix_table.py: {missing}; "
        f"rows for URL names that no longer exist: {stale}"
    )


# --- the world -------------------------------------------------------------------------------------


def _xlsx() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def _targets(w, users, policy) -> None:
    office, unit_user = users["office"], users["unit_a"]
    w.plan = policy
    w.target = policy.targets.get(code="T04")
    w.measure = policy.measures.order_by("order").first()
    w.period, _ = period_open(plan=policy, year=2025, half=1, by=office)
    w.report = Report.objects.get(period=w.period, unit=w.unit_a)
    w.report_line = w.report.target_lines.order_by("id").first()
    w.report_line.evidence.save("evidence.pdf", ContentFile(PDF), save=False)
    w.report_line.evidence_name = "抽检报告.pdf"
    w.report_line.save()
    w.import_batch = ImportBatch(
        kind="targets.report_template",
        original_name="进度报告模板.xlsx",
        params={"report": w.report.pk, "plan": policy.pk},
        uploaded_by=unit_user,
    )
    w.import_batch.file.save("template.xlsx", ContentFile(_xlsx()), save=True)


def _awards(w, users) -> None:
    office, approver, ent_user = users["office"], users["approver"], users["enterprise_a"]
    w.enterprise_a = ent_user.enterprise
    w.enterprise_a.verified_at = timezone.now()
    w.enterprise_a.licence.save("licence.pdf", pdf(), save=False)
    w.enterprise_a.save()
    w.reward_item = RewardItem.objects.get(code="national_standard")

    def submit(reference: str):
        return awards_services.application_submit(
            enterprise=w.enterprise_a,
            reward_code=w.reward_item.code,
            award_date=dt.date(2025, 5, 1),
            reference=reference,
            issuing_body="国家市场监督管理总局",
            by=ent_user,
            attachments=[pdf()],
        )

    w.application = submit("GB/T 45001-2025")
    w.attachment = w.application.attachments.get()
    w.in_publicity = submit("GB/T 45002-2025")
    awards_services.application_first_review(application=w.in_publicity, by=office, decision="pass")
    awards_services.application_second_review(application=w.in_publicity, by=approver, decision="pass")
    w.publicity_batch = awards_services.publicity_publish(
        applications=[w.in_publicity],
        start_date=timezone.localdate(),
        by=office,
        contact_phone="0716-3300000",
        contact_address="监利市容城镇玉沙路 1 号",
    )
    w.objection = awards_services.objection_record(
        application=w.in_publicity, received_on=timezone.localdate(), content="证书存疑", by=office
    )
    w.draft = awards_services.application_save_draft(
        enterprise=w.enterprise_a,
        reward_code=w.reward_item.code,
        award_date=dt.date(2025, 6, 1),
        reference="GB/T 45003-2025",
        issuing_body="",
        description="",
        application=None,
        attachments=[],
        by=ent_user,
    )
    w.awaiting_payment = ApplicationFactory(
        enterprise=w.enterprise_a, awaiting_payment=True, publicity_batch=w.publicity_batch
    )
    requested = ApplicationFactory(
        enterprise=w.enterprise_a, awaiting_payment=True, publicity_batch=w.publicity_batch
    )
    w.funding_request = awards_services.funding_request_create(applications=[requested], by=office)
    # another enterprise claims the same standard: a possible duplicate for an approver's ruling
    ApplicationFactory(enterprise=users["enterprise_b"].enterprise, reference="GB/T 45001-2025")
    awards_services.findings_scan(found_on="test")
    w.finding = DuplicateFinding.objects.get(other=w.application)
    w.legacy = ApplicationFactory(enterprise=w.enterprise_a, paid=True, is_legacy=True)
    w.money_change = awards_services.reward_item_update(
        item=RewardItem.objects.get(code="group_standard"),
        by=office,
        amount_yuan=120_000,
        amount_from=dt.date(2026, 1, 1),
        funding_source="city",
        provisional=False,
        active=True,
        effective_from=dt.date(2022, 1, 1),
        reason="市政府常务会议纪要",
    )
    w.calendar_day = CalendarDay.objects.create(date=dt.date(2025, 12, 27), is_workday=True, note="调休")
    w.review = awards_services.review_request_submit(
        credit_code=w.enterprise_a.credit_code,
        company_name="甲企业真正的有限公司",
        contact_person="王五",
        contact_phone="0716-3300001",
        explanation="代码被他人注册",
        licence=pdf(),
        username="review_requester",
        password="Review#Passw0rd-2026",
        full_name="王五",
        phone="13900000001",
        email="wang@example.com",
    )


def _committee(w) -> None:
    w.seat = Seat.objects.filter(unit=w.unit_a, active=True).order_by("order").first()
    w.contact = UnitContactFactory(unit=w.unit_a, name="农业联络员")


def _meetings(w, users) -> None:
    office, approver, unit_user = users["office"], users["approver"], users["unit_a"]
    # the 2025 上半年 meeting: notice issued, unit A's topic (with an attachment) accepted, held, a
    # decision led by unit A alone, minutes published; unit A signed and reported with evidence
    meeting = notified_meeting(office)
    with on(meeting.topic_deadline):
        w.topic = meetings_services.topic_propose(
            meeting=meeting,
            by=unit_user,
            title="区域公用品牌建设",
            background="背景",
            request="请求",
            files=[SimpleUploadedFile("附件.pdf", PDF)],
        )
        meetings_services.topic_accept(
            topic=w.topic, by=office, business_kind=BusinessKind.objects.get(code="targets")
        )
    with on(meeting.planned_date):
        meetings_services.meeting_mark_held(meeting=meeting, held_on=meeting.planned_date, by=office)
    meeting.refresh_from_db()
    item = decision(office, meeting, lead=w.unit_a, deadline=dt.date(2025, 9, 30))
    publish(meeting, office, approver)
    w.assignment = item.assignments.get()
    with on(dt.date(2025, 7, 1)):
        meetings_services.followup_sign(assignment=w.assignment, by=unit_user)
        event = meetings_services.followup_report(
            assignment=w.assignment, by=unit_user, text="进展", files=[SimpleUploadedFile("进展.pdf", PDF)]
        )
    # unit B is not invited: to it the meeting and everything in it is another unit's
    meeting.invitations.filter(unit=w.unit_b).delete()
    w.meeting = meeting
    w.agenda_item = item.agenda_item
    w.topic_attachment = w.topic.attachments.get()
    w.followup_evidence = event.evidence.get()
    # the 2024 下半年 meeting: held, minutes still being written, one decision not yet released
    w.held_meeting = held_meeting(office, year=2024, half=2)
    w.draft_decision = decision(office, w.held_meeting, lead=w.unit_a, deadline=dt.date(2025, 3, 31))
    w.draft_agenda_item = w.draft_decision.agenda_item
    w.work_plan = WorkPlanFactory(year=2025)
    # a pending 延期申请 of unit A, and a 2023 上半年 meeting entered as history with its minutes file
    w.extension = meetings_services.extension_request(
        assignment=w.assignment, by=unit_user, requested_deadline=dt.date(2025, 12, 31), reason="资金未到位"
    )
    w.history_meeting = meetings_services.meeting_history_create(
        by=office,
        year=2023,
        half=1,
        held_on=dt.date(2023, 6, 16),
        place="会议室",
        overview="概况",
        files=[SimpleUploadedFile("纪要.pdf", PDF)],
    )
    meetings_services.agenda_item_add(
        meeting=w.history_meeting,
        by=office,
        title="部署工作",
        business_kind=BusinessKind.objects.get(code="policy"),
    )
    meetings_services.meeting_history_finalize(meeting=w.history_meeting, by=office)
    w.history_meeting.invitations.filter(unit=w.unit_b).delete()
    w.minutes_file = w.history_meeting.minutes_files.get()


def _notifications_and_scheduler(w, users) -> None:
    unit_user = users["unit_a"]
    (w.notification,) = notify(
        occasion="access-matrix:inapp",
        recipients=[unit_user],
        subject="请报送进度",
        body="请按时报送。",
        url="/targets/reports/",
        channels=["inapp"],
    )
    w.email = Notification.objects.create(
        recipient=unit_user,
        occasion="access-matrix:email",
        channel=Notification.Channel.EMAIL,
        subject="请报送进度",
        body="请按时报送。",
        status=Notification.Status.FAILED,
    )
    w.half_year_report = half_year_report_build(half=HalfYear(2025, 1), today=dt.date(2025, 7, 16))
    call_command("setup_schedules", stdout=io.StringIO())
    w.schedule = PeriodicTask.objects.exclude(name="celery.backend_cleanup").order_by("id").first()
    w.assessment = AssessmentScheme.objects.create(year=2025)


@pytest.fixture
def world(users, policy, django_capture_on_commit_callbacks):
    """Objects of enterprise A and unit A (市农业农村局) for every URL's kwargs."""
    w = SimpleNamespace(unit_a=users["unit_a"].member_unit, unit_b=users["unit_b"].member_unit)
    with django_capture_on_commit_callbacks(execute=False), time_machine.travel(BUILT_AT, tick=False):
        _targets(w, users, policy)
        _awards(w, users)
        _committee(w)
        _meetings(w, users)
        _notifications_and_scheduler(w, users)
    return w


# --- the matrix ------------------------------------------------------------------------------------


def _matches(expected, response) -> bool:
    location = response.get("Location", "")
    if expected == LOGIN:
        return response.status_code == 302 and location.startswith(reverse("accounts:login"))
    if expected == ADMIN_LOGIN:
        return response.status_code == 302 and location.startswith(reverse("admin:login"))
    if isinstance(expected, frozenset):
        return response.status_code in expected
    return response.status_code == expected


def _shown(expected) -> str:
    if expected == ACT:
        return "200/302/400"
    if isinstance(expected, frozenset):
        return "/".join(str(s) for s in sorted(expected))
    return str(expected)


def _got(response) -> str:
    if response.status_code in (301, 302):
        return f"{response.status_code}→{response['Location']}"
    return str(response.status_code)


def _session_key(client) -> str | None:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie else None


def test_every_url_answers_every_role_as_the_design_says(
    client, users, world, django_capture_on_commit_callbacks
):
    mismatches = []
    with time_machine.travel(ASKED_AT, tick=False):
        for role_index, role in enumerate(ROLES):
            client.logout()
            session = "not logged in yet"
            for name, row in sorted(TABLE.items()):
                url = reverse(name, kwargs=row.kwargs(world))
                if role != "anon" and _session_key(client) != session:
                    # first request of the role, or the last one logged out (accounts:logout)
                    client.force_login(users[ROLE_USERS[role]])
                    session = _session_key(client)
                with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
                    response = client.post(url) if row.method == "POST" else client.get(url)
                    transaction.set_rollback(True)
                expected = row.expected[role_index]
                if not _matches(expected, response):
                    leak = response.status_code == 200  # a role the table refuses was let in
                    mismatches.append((not leak, name, role, _shown(expected), _got(response)))
    cells = len(TABLE) * len(ROLES)
    table = "\n".join(
        f"{' ' if ok else '!'} {n:<40} {r:<9} expected {e:<14} got {g}"
        for ok, n, r, e, g in sorted(mismatches)
    )
    assert not mismatches, (
        f"{len(mismatches)} of {cells} cells differ from the access table (! = an unexpected 200):\n{table}"
    )
