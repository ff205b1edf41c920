"""Issue 13 (5): a full or read-only disk on every upload view.

Each upload view is posted with a storage whose write fails with ENOSPC (disk full) and with EROFS
(read-only mount): the same page comes back (200) with the Chinese message, what the person typed is
in the form again, no record was created and no file is left in MEDIA_ROOT. Tests run as root, for
whom chmod does not make a directory read-only: the write fails at the file-system boundary instead,
as it does on a full or read-only-mounted ``var/``.
"""

import datetime as dt
import errno
import io
import os
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from awards.models import Application, Attachment, Enterprise, MoneyChange, RegistrationReview
from awards.services.legacy import COLUMNS as LEGACY_COLUMNS
from awards.tests.factories import pdf
from committee.models import Appointment, Seat
from core.models import CalendarDay, CalendarYear, ImportBatch, StoredFile
from core.storage import STORAGE_MESSAGE
from meetings import services as meetings_services
from meetings.models import FollowUpEvent, Meeting, MinutesFile, Topic, TopicAttachment
from meetings.services.history import DECISION_COLUMNS, DECISION_SHEET, MEETING_COLUMNS, MEETING_SHEET
from meetings.tests.factories import draft_meeting, on, published_decision
from portal.demo import make_credit_code
from targets.excel import STAT_HEADERS, TARGET_SHEET, build_report_template
from targets.models import Plan, Report, ReportTargetLine, Statistic
from targets.services import period_open

pytestmark = pytest.mark.django_db

CHOOSE_AGAIN = "请稍后重新选择文件再提交"


def _xlsx(sheets: dict[str, list[list]]) -> SimpleUploadedFile:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("导入.xlsx", buf.getvalue())


def _media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- one case per upload view: (login, url, data, typed text, models that must stay unchanged) -----


def _application(users):
    user = users["enterprise_a"]
    user.enterprise.verified_at = timezone.now()
    user.enterprise.save()
    data = {
        "intent": "submit",
        "reward_item": "national_standard",
        "award_date": "2023-05-01",
        "reference": "GB/T 43210-2023",
        "issuing_body": "国家市场监督管理总局",
        "description": "本企业主导起草的国家标准（存储故障测试）",
        "attachments": pdf(),
        "declaration": "on",
    }
    return (
        user,
        reverse("awards:application_create"),
        data,
        "本企业主导起草的国家标准（存储故障测试）",
        [
            Application,
            Attachment,
        ],
    )


def _registration_form(**extra):
    return {
        "name": "监利存储故障科技有限公司",
        "credit_code": make_credit_code("91421081MA4REG002"),
        "address": "监利市容城镇创业路 9 号",
        "contact_person": "赵六",
        "contact_phone": "0716-3111111",
        "licence": pdf("营业执照.pdf"),
        "username": "storagecorp",
        "full_name": "赵六",
        "phone": "13900000000",
        "email": "zhao@example.com",
        "password1": "Quality#Brand-2026",
        "password2": "Quality#Brand-2026",
        **extra,
    }


def _registration(users):
    return None, reverse("awards:register"), _registration_form(), "监利存储故障科技有限公司", [Enterprise]


def _review_request(users):
    enterprise = users["enterprise_a"].enterprise  # its code is taken: the real company asks for a review
    data = _registration_form(credit_code=enterprise.credit_code, name="监利真实企业有限公司")
    data.pop("address")
    data["explanation"] = "本公司营业执照附后，该代码被他人抢先注册（存储故障测试）。"
    return (
        None,
        reverse("awards:review_request"),
        data,
        "该代码被他人抢先注册（存储故障测试）",
        [RegistrationReview],
    )


def _legacy_import(users):
    header = [label for _key, label in LEGACY_COLUMNS]
    row = [make_credit_code("91421081MA4LEGAC1"), "监利老字号食品有限公司", "中国驰名商标", "2022-06-15"]
    row += ["第 1234567 号", "", 500000, "2022-12-20", "", "", "", ""]
    data = {"file": _xlsx({"Sheet": [header, row]})}
    return users["office"], reverse("awards:legacy_import"), data, "", [ImportBatch, MoneyChange]


def _roster_import(users):
    rows = [["排序", "职务", "单位", "职务名称", "姓名", "任职起始日"]]
    rows.append([190, "成员", "市农业农村局", "局长", "李农", "2025-03-01"])
    data = {"file": _xlsx({"Sheet": rows})}
    return users["office"], reverse("committee:roster_import"), data, "", [ImportBatch, Appointment, Seat]


def _history_import(users):
    meetings = [[label for _k, label in MEETING_COLUMNS]]
    meetings.append(
        ["2024年上半年", "2024-06-16", "三楼会议室", "各成员单位", "会议听取了……", "纪〔2024〕1号"]
    )
    decisions = [[label for _k, label in DECISION_COLUMNS]]
    decisions.append(
        ["2024年上半年", "地理标志保护", "市市场监管局", "", "讨论", "完成申报", "", "市农业农村局", ""]
        + ["2024-09-30", "已销号", "2024-09-20"]
    )
    data = {"file": _xlsx({MEETING_SHEET: meetings, DECISION_SHEET: decisions})}
    return users["office"], reverse("meetings:history_import"), data, "", [ImportBatch, Meeting]


def _calendar_import(users):
    rows = [["类型", "开始日期", "结束日期", "说明"], ["放假", "2027-01-01", "2027-01-03", "元旦"]]
    data = {"year": "2027", "source": "国办发明电〔2026〕存储故障测试号", "file": _xlsx({"Sheet": rows})}
    return (
        users["office"],
        reverse("core:calendar"),
        data,
        "国办发明电〔2026〕存储故障测试号",
        [
            ImportBatch,
            CalendarDay,
            CalendarYear,
        ],
    )


def _statistics_import(users):
    rows = [STAT_HEADERS, ["T17", "", 11800, "2024-12-31", "", ""]]
    plan = Plan.objects.get(is_current=True)
    data = {"plan": plan.pk, "source": "市统计局存储故障测试公报", "file": _xlsx({"统计数据": rows})}
    return (
        users["office"],
        reverse("targets:statistics_import"),
        data,
        "市统计局存储故障测试公报",
        [
            ImportBatch,
            Statistic,
        ],
    )


def _report_period(users):
    period, _ = period_open(plan=Plan.objects.get(is_current=True), year=2025, half=1, by=users["office"])
    return Report.objects.get(period=period, unit=users["unit_a"].member_unit)


def _report_upload(users):
    report = _report_period(users)
    lines = report.target_lines.select_related("target").order_by("target__order", "target_id")
    measures = report.measure_lines.select_related("measure").order_by("measure__order", "measure_id")
    wb = load_workbook(io.BytesIO(build_report_template(report, lines, measures)))
    ws = wb[TARGET_SHEET]
    for row in ws.iter_rows(min_row=2):
        row[6].value, row[7].value, row[8].value = 1, dt.date(2025, 6, 30), "统计部门数据"
    buf = io.BytesIO()
    wb.save(buf)
    data = {"file": SimpleUploadedFile("模板.xlsx", buf.getvalue())}
    url = reverse("targets:report_upload", args=[report.pk])
    return users["unit_a"], url, data, "", [ImportBatch]


def _report_evidence(users):
    report = _report_period(users)
    data = {"summary": "总体推进顺利（存储故障测试）", "action": "save"}
    for line in report.target_lines.all():
        data |= {f"t{line.target_id}_value": "95", f"t{line.target_id}_stat_date": "2025-06-30"}
        data |= {f"t{line.target_id}_source": "业务主管部门台账", f"t{line.target_id}_note": ""}
    for line in report.measure_lines.all():
        data |= {f"m{line.measure_id}_progress": "按计划推进", f"m{line.measure_id}_next_steps": "继续"}
    line = report.target_lines.order_by("id").first()
    data[f"t{line.target_id}_evidence"] = pdf("抽检报告.pdf")
    return (
        users["unit_a"],
        report.get_absolute_url(),
        data,
        "总体推进顺利（存储故障测试）",
        [
            ReportTargetLine.objects.filter(value__isnull=False),
        ],
    )


def _topic(users):
    meeting = draft_meeting()
    data = {
        "title": "品牌建设议题（存储故障测试）",
        "background": "背景",
        "request": "提请研究",
        "files": pdf("议题材料.pdf"),
    }
    url = reverse("meetings:topic_create", args=[meeting.pk])
    return users["unit_a"], url, data, "品牌建设议题（存储故障测试）", [Topic, TopicAttachment]


def _followup_evidence(users):
    item = published_decision(users)
    assignment = item.assignments.get(unit=users["unit_a"].member_unit)
    meetings_services.followup_sign(assignment=assignment, by=users["unit_a"])
    data = {"text": "已完成申报材料初稿（存储故障测试）", "files": pdf("佐证.pdf")}
    url = reverse("meetings:followup_report", args=[assignment.pk])
    return users["unit_a"], url, data, "已完成申报材料初稿（存储故障测试）", [FollowUpEvent]


def _history_meeting(users):
    data = {
        "year": "2023",
        "half": "1",
        "held_on": "2023-06-16",
        "place": "三楼会议室（存储故障测试）",
        "overview": "会议听取了各单位汇报",
        "files": pdf("纪要.pdf"),
    }
    return (
        users["office"],
        reverse("meetings:history_create"),
        data,
        "三楼会议室（存储故障测试）",
        [
            Meeting,
            MinutesFile,
        ],
    )


def _minutes_files(users):
    meeting = meetings_services.meeting_history_create(
        by=users["office"], year=2023, half=1, held_on=dt.date(2023, 6, 16), place="会议室", overview="概况"
    )
    url = reverse("meetings:minutes_files_add", args=[meeting.pk])
    return users["office"], url, {"files": pdf("纪要原件.pdf")}, "", [MinutesFile]


def _licence(users):
    user = users["enterprise_a"]
    enterprise = user.enterprise
    enterprise.verified_at = None
    enterprise.save()
    data = {
        "address": "监利市容城镇新地址 88 号（存储故障测试）",
        "contact_person": "钱七",
        "contact_phone": "0716-3222222",
        "licence": pdf("营业执照.pdf"),
    }
    return (
        user,
        reverse("awards:enterprise_edit"),
        data,
        "新地址 88 号（存储故障测试）",
        [Enterprise.objects.filter(address__contains="存储故障测试")],
    )


CASES = {
    "application attachments": _application,
    "registration licence": _registration,
    "registration review licence": _review_request,
    "enterprise licence": _licence,
    "report evidence": _report_evidence,
    "report template import": _report_upload,
    "statistics import": _statistics_import,
    "topic attachments": _topic,
    "督办 evidence": _followup_evidence,
    "history meeting minutes": _history_meeting,
    "minutes files": _minutes_files,
    "legacy rewards import": _legacy_import,
    "roster import": _roster_import,
    "meeting history import": _history_import,
    "calendar import": _calendar_import,
}


def _count(what) -> int:
    return what.count() if hasattr(what, "count") and not isinstance(what, type) else what.objects.count()


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS], ids=["disk full", "read-only"])
@pytest.mark.parametrize("case", list(CASES))
def test_a_full_or_read_only_disk_keeps_the_form_and_changes_nothing(client, users, settings, case, code):
    with on(dt.date(2025, 4, 1)):
        user, url, data, typed, unchanged = CASES[case](users)
        if user is not None:
            client.force_login(user)
        before = [_count(m) for m in unchanged] + [StoredFile.objects.count()]
        files_before = _media_files(settings)
        with mock.patch.object(FileSystemStorage, "_save", side_effect=OSError(code, os.strerror(code))):
            response = client.post(url, data)
    assert response.status_code == 200, response.status_code
    text = response.content.decode()
    assert STORAGE_MESSAGE in text and CHOOSE_AGAIN in text  # Chinese, and the file must be chosen again
    assert "<form" in text and 'type="file"' in text  # the form again
    if typed:
        assert typed in text  # with what the person typed
    assert [_count(m) for m in unchanged] + [StoredFile.objects.count()] == before
    assert _media_files(settings) == files_before  # no file left behind
