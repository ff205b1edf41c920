"""The rhythm sections of a pack: reporting.yaml and the meeting cycle of meetings.yaml."""

import pytest

from core.models import SiteSetting
from core.rhythm import JIANLI_CYCLE, MeetingCycle
from meetings.models import MeetingRule
from meetings.rules import current_cycle
from policypack.files import PackInvalid
from policypack.loader import load_pack, validate_pack

from .packs import copy_pack, edit, row_counts

pytestmark = pytest.mark.django_db

JIANLI_REPORTING = "  rhythm: half "


def _quarterly(pack):
    edit(pack, "reporting.yaml", JIANLI_REPORTING, "  rhythm: quarter ")
    edit(pack, "reporting.yaml", "  reminder_days: [14, 3] ", "  reminder_days: [10, 2] ")
    edit(pack, "meetings.yaml", "  frequency_months: 6 ", "  frequency_months: 4 ")
    edit(pack, "meetings.yaml", "  months: [6, 12] ", "  months: [2, 6, 10] ")


def test_the_jianli_pack_loads_the_half_yearly_rhythm_and_june_december_meetings():
    assert validate_pack() == []
    load_pack()
    setting = SiteSetting.get()
    assert (setting.reporting_rhythm, setting.report_due_days_after_half, setting.amber_band_pct) == (
        "half",
        15,
        10,
    )
    assert (setting.report_remind_first_days, setting.report_remind_second_days) == (14, 3)
    assert current_cycle() == JIANLI_CYCLE


def test_a_quarterly_pack_with_meetings_every_four_months_is_loaded(tmp_path):
    pack = copy_pack(tmp_path)
    _quarterly(pack)
    SiteSetting.get()  # the row created with the defaults on a first page view: nobody edited it
    load_pack(pack)
    setting = SiteSetting.get()
    assert (
        setting.reporting_rhythm,
        setting.report_remind_first_days,
        setting.report_remind_second_days,
    ) == (
        "quarter",
        10,
        2,
    )
    assert current_cycle() == MeetingCycle(every_months=4, months=(2, 6, 10), day=15)


def test_a_reload_keeps_the_rhythm_the_office_changed(tmp_path):
    load_pack()
    setting = SiteSetting.get()
    setting.amber_band_pct = 15
    setting.save()
    pack = copy_pack(tmp_path)
    edit(pack, "reporting.yaml", "  amber_band_pct: 10 ", "  amber_band_pct: 20 ")
    report = load_pack(pack)
    assert SiteSetting.get().amber_band_pct == 15
    assert any("平台设置" in line for line in report.kept)


def test_broken_rhythms_are_refused_with_file_line_field_and_nothing_changes(tmp_path):
    load_pack()
    pack = copy_pack(tmp_path)
    rhythm = edit(pack, "reporting.yaml", JIANLI_REPORTING, "  rhythm: monthly ")
    reminders = edit(pack, "reporting.yaml", "  reminder_days: [14, 3] ", "  reminder_days: [3, 14] ")
    months = edit(pack, "meetings.yaml", "  months: [6, 12] ", "  months: [3, 12] ")
    before = row_counts()
    with pytest.raises(PackInvalid) as caught:
        load_pack(pack)
    errors = [str(e) for e in caught.value.errors]
    assert len(errors) == 3, errors
    assert errors[0] == f"meetings.yaml 第{months}行 meeting_rules.months：召开月份之间应相隔 6 个月。"
    # the schema refuses the unknown rhythm (once: the section's own check does not repeat it)
    assert errors[1].startswith(f"reporting.yaml 第{rhythm}行 reporting.rhythm：") and "monthly" in errors[1]
    assert errors[2] == (
        f"reporting.yaml 第{reminders}行 reporting.reminder_days："
        "第一次提醒应早于第二次提醒，且都在截止前 1 至 60 天之间（例如 [14, 3]）。"
    )
    assert row_counts() == before
    assert SiteSetting.get().reporting_rhythm == "half"
    assert MeetingRule.objects.get().months == [6, 12]


def test_a_cycle_the_schema_accepts_but_the_rule_refuses(tmp_path):
    pack = copy_pack(tmp_path)
    line = edit(pack, "meetings.yaml", "  frequency_months: 6 ", "  frequency_months: 5 ")
    errors = [str(e) for e in validate_pack(pack)]
    assert errors == [
        f"meetings.yaml 第{line}行 meeting_rules.frequency_months：召开周期（月）应为 1、2、3、4、6 或 12 之一（一年内周期相同）。"
    ]


def test_the_meeting_rules_reminder_days_default_to_three_and_are_bounded():
    from meetings.rules import cycle_values, validate_meeting_rule

    assert cycle_values({"name": "x"})["topic_call_closing_days"] == 3
    assert cycle_values({"name": "x"})["followup_due_days"] == 3
    assert validate_meeting_rule({"name": "x", "topic_call_closing_days": 0, "followup_due_days": 31}) == [
        ("meeting_rule.topic_call_closing_days", "议题征集截止提醒（提前天数）应为 1 至 30 之间的整数。"),
        ("meeting_rule.followup_due_days", "督办到期提醒（提前天数）应为 1 至 30 之间的整数。"),
    ]
    load_pack()
    rule = MeetingRule.objects.get()
    assert (rule.topic_call_closing_days, rule.followup_due_days) == (3, 3)  # Jianli: as before
