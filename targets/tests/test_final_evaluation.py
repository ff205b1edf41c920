"""Issue 16 point 3: the whole 终期评估 — targets, measures, goals, rewards, narrative — saved as one
form, signed off by an approver and frozen, reopened with a reason; Word and xlsx."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from awards.tests.factories import ApplicationFactory, item
from targets.models import (
    GoalEvaluation,
    MeasureEvaluation,
    PlanEvaluation,
    Report,
    ReportGoalLine,
    ReportMeasureLine,
    Statistic,
    TargetEvaluation,
)
from targets.services import period_open

pytestmark = pytest.mark.django_db

JAN_2026 = dt.datetime(2026, 1, 10, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def after_plan():
    with time_machine.travel(JAN_2026, tick=False):
        yield


def _form_data(client, plan) -> dict:
    """What the page proposes, as the browser would post it back."""
    form = client.get(reverse("targets:evaluation", args=[plan.pk])).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = (
            "" if value is None else (value.isoformat() if isinstance(value, dt.date) else str(value))
        )
    return data


def _complete(client, plan) -> dict:
    """A valid whole evaluation: every target judged consistently with its proposal, reasons given."""
    data = _form_data(client, plan)
    for t in plan.targets.filter(active=True):
        if data[f"t{t.pk}_result"] != "achieved":
            data[f"t{t.pk}_comment"] = "原因：统计口径未定或未达到目标"
    for g in plan.goals.all():
        data[f"g{g.pk}_result"] = "achieved"
    data["overview"] = "规划期内质量品牌工作总体推进顺利。"
    return data


def test_the_whole_evaluation_is_saved_in_one_post(client, policy, users, after_plan):
    client.force_login(users["office"])
    data = _complete(client, policy)
    measure = policy.measures.order_by("order").first()
    data[f"m{measure.pk}_comment"] = "各责任单位均已落实。"
    response = client.post(reverse("targets:evaluation", args=[policy.pk]), data)
    assert response.status_code == 302
    assert (
        TargetEvaluation.objects.filter(target__plan=policy).count()
        == policy.targets.filter(active=True).count()
    )
    assert GoalEvaluation.objects.filter(goal__plan=policy).count() == policy.goals.count() > 0
    assert MeasureEvaluation.objects.get(measure=measure).comment == "各责任单位均已落实。"
    assert PlanEvaluation.objects.get(plan=policy).overview.startswith("规划期内")


def test_a_target_past_its_deadline_not_met_is_proposed_as_not_achieved(client, policy, users, after_plan):
    t = policy.targets.filter(kind="at_least", target_value__gt=1).order_by("order").first()
    Statistic.objects.create(
        target=t, value=Decimal(1), as_of=dt.date(2025, 12, 31), source="统计", origin="import"
    )
    client.force_login(users["office"])
    data = _form_data(client, policy)
    assert data[f"t{t.pk}_result"] == "not_achieved" and data[f"t{t.pk}_final_value"] == "1"
    no_data = policy.targets.exclude(pk=t.pk).filter(statistics__isnull=True).first()
    assert data[f"t{no_data.pk}_result"] == "not_measurable"


@pytest.mark.parametrize(
    "change, message",
    [
        ("achieved_below_target", "结论应为“未完成”"),
        ("not_achieved_without_reason", "请写明原因"),
        ("measurable_without_value", "须填写最终值"),
        ("negative_value", "不能为负数"),
        ("formula_comment", "疑似公式"),
    ],
)
def test_one_bad_row_saves_nothing(client, policy, users, after_plan, change, message):
    t = policy.targets.filter(kind="at_least", target_value__gt=1).order_by("order").first()
    client.force_login(users["office"])
    data = _complete(client, policy)
    p = f"t{t.pk}_"
    if change == "achieved_below_target":
        data |= {p + "result": "achieved", p + "final_value": "0"}
    elif change == "not_achieved_without_reason":
        data |= {p + "result": "not_achieved", p + "final_value": "0", p + "comment": ""}
    elif change == "measurable_without_value":
        data |= {p + "result": "not_achieved", p + "final_value": ""}
    elif change == "negative_value":
        data |= {p + "result": "not_achieved", p + "final_value": "-3"}
    else:
        data |= {p + "comment": "=HYPERLINK(1)"}
    response = client.post(reverse("targets:evaluation", args=[policy.pk]), data, follow=True)
    assert message in response.content.decode()
    assert not TargetEvaluation.objects.exists() and not GoalEvaluation.objects.exists()
    assert not PlanEvaluation.objects.exists()


def test_measures_and_goals_show_what_units_reported(client, policy, users, after_plan):
    period, _ = period_open(plan=policy, year=2025, half=2, due_date=dt.date(2026, 1, 15))
    report = Report.objects.get(period=period, unit=users["unit_a"].member_unit)
    goal = policy.goals.order_by("order").first()
    assert ReportGoalLine.objects.filter(report=report).count() == policy.goals.count()  # a line per goal
    ReportGoalLine.objects.filter(report=report, goal=goal).update(progress="培育区域公用品牌“监利大米”")
    line = ReportMeasureLine.objects.filter(report=report).first()
    ReportMeasureLine.objects.filter(pk=line.pk).update(progress="开展农产品质量安全专项行动")
    Report.objects.filter(pk=report.pk).update(status=Report.Status.ACCEPTED, first_submitted_at=JAN_2026)
    client.force_login(users["office"])
    body = client.get(reverse("targets:evaluation", args=[policy.pk])).content.decode()
    assert "培育区域公用品牌“监利大米”" in body and "开展农产品质量安全专项行动" in body


def test_units_write_a_line_on_each_qualitative_goal_in_their_report(client, policy, users, after_plan):
    period, _ = period_open(plan=policy, year=2026 - 1, half=2, due_date=dt.date(2026, 1, 15))
    report = Report.objects.get(period=period, unit=users["unit_a"].member_unit)
    goal = policy.goals.order_by("order").first()
    client.force_login(users["unit_a"])
    form = client.get(report.get_absolute_url()).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None or isinstance(value, bool) else str(value)
    data[f"g{goal.pk}_progress"] = "推进“三品一标”认证"
    data["action"] = "save"
    assert client.post(report.get_absolute_url(), data).status_code == 302
    assert ReportGoalLine.objects.get(report=report, goal=goal).progress == "推进“三品一标”认证"


def test_rewards_granted_and_paid_by_line_and_year(client, policy, users, after_plan):
    ApplicationFactory(paid=True, award_date=dt.date(2023, 5, 1), reward_item=item("group_standard"))
    ApplicationFactory(paid=True, award_date=dt.date(2024, 5, 1), reward_item=item("group_standard"))
    ApplicationFactory(second_passed=True, award_date=dt.date(2024, 6, 1), reward_item=item("group_standard"))
    ApplicationFactory(award_date=dt.date(2024, 6, 1), reward_item=item("group_standard"))  # under review
    client.force_login(users["office"])
    rewards = client.get(reverse("targets:evaluation", args=[policy.pk])).context["data"]["rewards"]
    rows = {(r["reward_item__name"], r["year"]): r for r in rewards}
    r2024 = rows[("主导制修订团体（联盟）标准", 2024)]
    assert (r2024["granted_count"], r2024["paid_count"]) == (2, 1)
    assert rows[("主导制修订团体（联盟）标准", 2023)]["paid"] == 100000


def test_sign_off_by_an_approver_freezes_and_reopening_leaves_history(client, policy, users, after_plan):
    client.force_login(users["office"])
    client.post(reverse("targets:evaluation", args=[policy.pk]), _complete(client, policy))
    # office staff cannot sign off
    assert client.post(reverse("targets:evaluation_sign_off", args=[policy.pk])).status_code == 403
    client.force_login(users["approver"])
    client.post(reverse("targets:evaluation_sign_off", args=[policy.pk]))
    evaluation = PlanEvaluation.objects.get(plan=policy)
    assert evaluation.is_frozen and evaluation.signed_by == users["approver"]
    # frozen: a save changes nothing
    client.force_login(users["office"])
    data = _complete(client, policy)
    data["overview"] = "篡改"
    client.post(reverse("targets:evaluation", args=[policy.pk]), data)
    assert PlanEvaluation.objects.get(plan=policy).overview.startswith("规划期内")
    # reopening needs an approver and a reason
    assert (
        client.post(reverse("targets:evaluation_reopen", args=[policy.pk]), {"reason": "x"}).status_code
        == 403
    )
    client.force_login(users["approver2"])
    client.post(reverse("targets:evaluation_reopen", args=[policy.pk]), {"reason": ""})
    assert PlanEvaluation.objects.get(plan=policy).is_frozen
    client.post(reverse("targets:evaluation_reopen", args=[policy.pk]), {"reason": "统计局更正了2025年数据"})
    evaluation.refresh_from_db()
    assert not evaluation.is_frozen and evaluation.reopen_reason == "统计局更正了2025年数据"
    statuses = list(evaluation.history.order_by("history_date").values_list("status", flat=True))
    assert statuses[-2:] == ["signed_off", "draft"]


def test_sign_off_is_refused_before_the_end_or_with_targets_unjudged(client, policy, users):
    client.force_login(users["approver"])
    with time_machine.travel(dt.datetime(2025, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        response = client.post(reverse("targets:evaluation_sign_off", args=[policy.pk]), follow=True)
        assert "到期后才能签发" in response.content.decode()
    with time_machine.travel(JAN_2026, tick=False):
        response = client.post(reverse("targets:evaluation_sign_off", args=[policy.pk]), follow=True)
        assert "没有评估结论" in response.content.decode()
    assert not PlanEvaluation.objects.filter(status="signed_off").exists()


def test_word_and_xlsx_in_the_government_layout(client, policy, users, after_plan):
    client.force_login(users["office"])
    client.post(reverse("targets:evaluation", args=[policy.pk]), _complete(client, policy))
    doc = Document(io.BytesIO(client.get(reverse("targets:evaluation_docx", args=[policy.pk])).content))
    text = "\n".join(p.text for p in doc.paragraphs)
    for heading in (
        "一、总体评价",
        "二、量化指标完成情况",
        "三、主要措施落实情况",
        "四、定性目标实现情况",
        "五、质量品牌奖励兑现情况",
        "八、下一步建议",
    ):
        assert heading in text
    assert "监政发〔2022〕1号" in text and "（本稿尚未签发。）" in text
    assert "监利市质量强市及品牌建设工作委员会办公室" in text
    wb = load_workbook(io.BytesIO(client.get(reverse("targets:evaluation_xlsx", args=[policy.pk])).content))
    assert wb.sheetnames == ["量化指标", "主要措施", "定性目标", "奖励兑现", "评估报告"]
    rows = list(wb["量化指标"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == policy.targets.filter(active=True).count() and "未评估" not in {r[7] for r in rows}
    # 目标值 and 最终值 are numbers, 统计日期 a date: Excel sorts and sums them
    assert all(isinstance(r[4], int | float) for r in rows)
    assert all(r[5] is None or isinstance(r[5], int | float) for r in rows)
    assert all(r[6] is None or isinstance(r[6], dt.datetime) for r in rows)
