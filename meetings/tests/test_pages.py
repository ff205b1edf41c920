"""Pages: query counts do not grow with data, filters work, overdue first, workbench panels."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from meetings import services
from meetings.models import FollowUpAssignment, Meeting, WorkPlan

from .factories import decision, held_meeting, on, publish, request_closure, unit, work_plan_task

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 10, 10)


def _count(client, url) -> int:
    with on(TODAY), CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _more_tasks(users, n, year=2025):
    with on(dt.date(year, 1, 10)):
        for i in range(n):
            work_plan_task(
                users["office"],
                lead=users["unit_a"].member_unit,
                co=[users["unit_b"].member_unit, unit("市商务局")],
                deadline=dt.date(year, 3 + i % 9, 20),
                title=f"任务{i}",
                year=year,
            )


def _more_decisions(users, meeting, n):
    for i in range(n):
        decision(
            users["office"],
            meeting,
            lead=users["unit_a"].member_unit,
            co=[users["unit_b"].member_unit],
            deadline=dt.date(2025, 9, 1 + i),
            title=f"决定{i}",
        )


@pytest.mark.parametrize(
    "role,url_name",
    [
        ("office", "meetings:followup_list"),
        ("unit_a", "meetings:followup_list"),
        ("office", "meetings:followup_overdue"),
        ("unit_a", "meetings:followup_overdue"),
        ("office", "meetings:meeting_list"),
        ("unit_a", "meetings:meeting_list"),
        ("office", "core:workbench"),
        ("unit_a", "core:workbench"),
        ("approver", "core:workbench"),
        ("office", "meetings:workplan_list"),
    ],
)
def test_list_pages_have_a_query_count_independent_of_data(client, users, role, url_name):
    client.force_login(users[role])
    url = reverse(url_name)
    _more_tasks(users, 2)
    services.meeting_draft_for_term(year=2025, half=2)
    _count(client, url)  # warm-up: the 督办设置 row is created on first use
    small = _count(client, url)
    _more_tasks(users, 12, year=2024)
    services.meeting_draft_for_term(year=2024, half=2)
    services.meeting_draft_for_term(year=2026, half=1)
    assert _count(client, url) == small


@pytest.mark.parametrize(
    "url_name,query",
    [
        ("meetings:followup_list", "?q=任务&o=-deadline&status=overdue"),
        ("meetings:followup_overdue", "?q=任务&o=unit&year=2025"),
        ("meetings:meeting_list", "?year=2025&o=-term"),
    ],
)
def test_filtered_and_sorted_lists_keep_a_constant_query_count(client, users, url_name, query):
    client.force_login(users["office"])
    url = reverse(url_name) + query
    _more_tasks(users, 2)
    services.meeting_draft_for_term(year=2025, half=2)
    _count(client, url)  # warm-up: the 督办设置 row is created on first use
    small = _count(client, url)
    _more_tasks(users, 9)
    services.meeting_draft_for_term(year=2025, half=1)
    assert _count(client, url) == small


def test_followup_lists_filter_by_text_and_sort_by_column_and_export_the_same_rows(client, users):
    _more_tasks(users, 4)
    with on(dt.date(2025, 1, 10)):
        work_plan_task(
            users["office"], lead=unit("市商务局"), deadline=dt.date(2025, 5, 20), title="质量月活动"
        )
    client.force_login(users["office"])
    with on(TODAY):
        found = client.get(reverse("meetings:followup_list"), {"q": "质量月"})
        assert [a.item.title for a in found.context["assignments"]] == ["质量月活动"]
        by_deadline = client.get(reverse("meetings:followup_list"), {"o": "-deadline"})
        deadlines = [a.deadline for a in by_deadline.context["assignments"]]
        assert deadlines == sorted(deadlines, reverse=True) and len(set(deadlines)) > 1
        body = by_deadline.content.decode()
        assert "办理时限 ▼" in body and "?o=deadline" in body  # the header links to the other direction
        export = client.get(reverse("meetings:followup_export"), {"q": "质量月"})
        rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(min_row=2, values_only=True))
        assert [r[0] for r in rows] == ["质量月活动"]
        assert 'href="/meetings/followups/export.xlsx?q=' in found.content.decode()
        overdue = client.get(reverse("meetings:followup_overdue"), {"unit": unit("市商务局").pk})
        assert {a.unit.name for a in overdue.context["assignments"]} == {"市商务局"}
        bad = client.get(reverse("meetings:followup_list"), {"year": "abc"})
        assert bad.status_code == 200 and "筛选条件有误" in bad.content.decode()
        assert len(bad.context["assignments"]) == len(by_deadline.context["assignments"])  # year ignored
    client.force_login(users["unit_b"])
    with on(TODAY):
        mine = client.get(reverse("meetings:followup_list"), {"unit": unit("市商务局").pk})
        assert {a.unit.name for a in mine.context["assignments"]} == {"容城镇"}  # no unit filter for units
        assert '<label for="id_unit">' not in mine.content.decode()


def test_meeting_list_filters_by_year_and_sorts_by_term(client, users):
    for year, half in ((2024, 1), (2024, 2), (2025, 1)):
        services.meeting_draft_for_term(year=year, half=half)
    client.force_login(users["office"])
    titles = lambda r: [m.title for m in r.context["meetings"]]  # noqa: E731
    assert titles(client.get(reverse("meetings:meeting_list"), {"year": 2024})) == [
        "2024年下半年联席会议",
        "2024年上半年联席会议",
    ]
    assert titles(client.get(reverse("meetings:meeting_list"), {"o": "term"}))[0] == "2024年上半年联席会议"
    body = client.get(reverse("meetings:meeting_list")).content.decode()
    assert 'id="new_year"' in body and 'id="id_year"' in body  # the create form and the filter bar


def test_meeting_detail_and_minutes_query_counts_do_not_grow(client, users):
    office = users["office"]
    meeting = held_meeting(office)
    _more_decisions(users, meeting, 1)
    client.force_login(office)
    detail, minutes = meeting.get_absolute_url(), reverse("meetings:minutes", args=[meeting.pk])
    client.get(detail)  # a first page fills the process's memos (policy document, rhythm name)
    small = (_count(client, detail), _count(client, minutes))
    _more_decisions(users, meeting, 6)
    assert (_count(client, detail), _count(client, minutes)) == small


def test_office_list_puts_overdue_first_and_filters(client, users):
    _more_tasks(users, 9)
    client.force_login(users["office"])
    with on(TODAY):
        response = client.get(reverse("meetings:followup_list"))
        states = [a.state.value for a in response.context["assignments"]]
        assert states == sorted(
            states, key=lambda s: ["overdue", "due_soon", "unsigned", "normal", "done"].index(s)
        )
        assert states[0] == "overdue"
        only_unit = client.get(reverse("meetings:followup_list"), {"unit": unit("市商务局").pk})
        assert {a.unit.name for a in only_unit.context["assignments"]} == {"市商务局"}
        overdue = client.get(reverse("meetings:followup_list"), {"status": "overdue"})
        assert {a.state.value for a in overdue.context["assignments"]} == {"overdue"}
        by_source = client.get(reverse("meetings:followup_list"), {"source": "work_plan", "year": 2024})
        assert list(by_source.context["assignments"]) == []
        requested = client.get(reverse("meetings:followup_list"), {"phase": "requested"})
        assert list(requested.context["assignments"]) == []
        export = client.get(reverse("meetings:followup_export"), {"status": "overdue"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_unit_sees_only_its_own_items_and_home_page_panel(client, users, published):
    with on(dt.date(2025, 1, 10)):
        work_plan_task(
            users["office"], lead=unit("市商务局"), deadline=dt.date(2025, 12, 1), title="他人的任务"
        )
    client.force_login(users["unit_b"])
    with on(dt.date(2025, 7, 1)):
        listing = client.get(reverse("meetings:followup_list"))
        home = client.get(reverse("core:workbench")).content.decode()
    assert [a.unit.name for a in listing.context["assignments"]] == ["容城镇"]
    assert published.title in home and "本单位督办事项" in home and "他人的任务" not in home


def test_office_workbench_shows_closure_requests_and_minutes_to_sign(client, users, published):
    request_closure(published.assignments.get(unit=users["unit_a"].member_unit), users["unit_a"])
    held_meeting(users["office"], year=2025, half=2)
    client.force_login(users["approver"])
    with on(dt.date(2025, 12, 20)):
        body = client.get(reverse("core:workbench")).content.decode()
    assert "1</strong> 项销号申请待审核" in body
    assert "2025年下半年联席会议纪要</a> 待您签发" in body


def test_navigation_entries_by_role(client, users):
    client.force_login(users["unit_a"])
    body = client.get(reverse("core:workbench")).content.decode()
    assert "督办事项" in body and "年度督查考核" not in body and "委员会名单" in body
    client.force_login(users["office"])
    body = client.get(reverse("core:workbench")).content.decode()
    assert "年度工作计划" in body and "年度考核评分" in body
    client.force_login(users["enterprise_a"])
    body = client.get(reverse("core:workbench")).content.decode()
    assert "联席会议" not in body and "委员会名单" not in body


def test_meeting_created_from_the_page_is_idempotent(client, users):
    client.force_login(users["office"])
    client.post(reverse("meetings:meeting_create"), {"year": 2026, "half": 1})
    response = client.post(reverse("meetings:meeting_create"), {"year": 2026, "half": 1}, follow=True)
    assert "已存在" in response.content.decode()
    assert Meeting.objects.filter(year=2026, half=1).count() == 1


def test_work_plan_page_breaks_the_plan_into_tasks(client, users):
    client.force_login(users["office"])
    with on(dt.date(2025, 1, 10)):
        client.post(reverse("meetings:workplan_create"), {"year": 2025, "title": "", "note": ""})
        plan = WorkPlan.objects.get(year=2025)
        assert plan.title == "2025年质量强市及品牌建设工作计划"
        response = client.post(
            plan.get_absolute_url(),
            {"title": "开展质量月活动", "lead_unit": unit("市市场监管局").pk, "deadline": "2025-09-30"},
        )
        assert response.status_code == 302
        bad = client.post(plan.get_absolute_url(), {"title": "无单位", "deadline": "2025-09-30"})
    assert "请指定牵头单位" in bad.content.decode()
    assert plan.tasks.count() == 1
    assert FollowUpAssignment.objects.released().filter(unit__name="市市场监管局").exists()


def test_published_minutes_page_for_units(client, users):
    meeting = held_meeting(users["office"])
    _more_decisions(users, meeting, 1)
    publish(meeting, users["office"], users["approver"])
    client.force_login(users["unit_b"])
    body = client.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    assert "决定0" in body and "牵头单位：市农业农村局；配合单位：容城镇" in body
    assert "签发纪要" not in body and "编辑纪要" not in body


def test_the_item_page_lists_every_units_part_with_its_status(client, users, published):
    """各单位办理情况: each unit of the item, 牵头 first, with its role, the badge of its status on the
    day (overdue, unsigned, done) and its phase."""
    from meetings.status import FollowUpStatus

    lead = FollowUpAssignment.objects.get(item=published, unit=users["unit_a"].member_unit)
    co = FollowUpAssignment.objects.get(item=published, unit=users["unit_b"].member_unit)
    FollowUpAssignment.objects.filter(pk=co.pk).update(deadline=dt.date(2025, 9, 1))
    client.force_login(users["office"])
    with on(dt.date(2025, 9, 10)):
        html = client.get(reverse("meetings:followup_detail", args=[lead.pk])).content.decode()
    part = html[html.index("各单位办理情况") :]
    part = part[: part.index("</ul>")]
    lead_text = f"<li>{lead.unit.name}（牵头）{FollowUpStatus.UNSIGNED.badge}"
    co_text = f"<li>{co.unit.name}（配合）{FollowUpStatus.OVERDUE.badge}"
    assert lead_text in part and co_text in part and part.index(lead_text) < part.index(co_text)
    assert part.count("<li>") == FollowUpAssignment.objects.filter(item=published).count()
    assert f'<span class="muted">{lead.get_phase_display()}</span>' in part
