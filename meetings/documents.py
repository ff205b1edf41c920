"""Word documents of the joint meeting, in the usual layout of government documents (core.documents).

会议通知, 议程, 会议纪要 and the 催办通知单 for an overdue follow-up item.
"""

import datetime as dt

from django.utils import timezone
from docx.document import Document as DocxDocument

from core.dates import cn_date
from core.documents import add_heading, add_paragraph, add_table, new_document
from core.policy import policy_document

from .models import AgendaItem, FollowUpAssignment, Invitation, Meeting
from .selectors import PreviousDecisions, agenda_items, first_item_status, meeting_decisions

NUMERALS = "一二三四五六七八九十"
WEEKDAYS = "一二三四五六日"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (enough for headings)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else NUMERALS[tens - 1]) + "十" + (NUMERALS[ones - 1] if ones else "")


def _when(meeting: Meeting) -> str:
    text = f"{cn_date(meeting.planned_date)}（星期{WEEKDAYS[meeting.planned_date.weekday()]}）"
    if meeting.start_time:
        text += f"{meeting.start_time:%H:%M}"
    return text


def _convener_text(meeting: Meeting) -> str:
    convener = meeting.convener
    if convener is None:
        return "办公室主任"
    text = f"{convener.seat.role.name} {convener.person_name}".strip()
    if meeting.convener_delegated:
        text += f"（受办公室主任委托；{meeting.delegation_note}）"
    return text


def _sign(doc: DocxDocument, day: dt.date) -> None:
    add_paragraph(doc, "")
    add_paragraph(doc, policy_document().office_name, indent=False, align_right=True)
    add_paragraph(doc, cn_date(day), indent=False, align_right=True)


def _agenda_lines(meeting: Meeting, items: list[AgendaItem]) -> list[str]:
    lines = []
    for n, item in enumerate(items, start=1):
        line = f"{n}. {item.title}（{item.business_kind.clause} {item.business_kind.name}"
        if item.presenter:
            line += f"；汇报单位：{item.presenter}"
        lines.append(line + "）")
    return lines


def notice_document(meeting: Meeting) -> DocxDocument:
    """会议通知."""
    items = agenda_items(meeting)
    doc = new_document(
        title=f"关于召开{meeting.full_title}的通知",
        issuer=policy_document().office_name,
        doc_number=meeting.notice_number,
    )
    add_paragraph(doc, "各成员单位：", indent=False)
    add_paragraph(
        doc,
        f"根据{policy_document().meeting_rules_title}（{policy_document().document_number}附件2）第三条，经研究，定于"
        f"{_when(meeting)}在{meeting.place or '（地点另行通知）'}召开{meeting.full_title}。现将有关事项通知如下：",
    )
    add_heading(doc, "一、会议时间和地点")
    add_paragraph(doc, f"时间：{_when(meeting)}。地点：{meeting.place or '另行通知'}。")
    add_heading(doc, "二、召集人")
    add_paragraph(doc, _convener_text(meeting) + "。")
    add_heading(doc, "三、参会人员")
    guests = [i.name for i in meeting.invitations.select_related("unit") if not i.is_member]
    text = f"{policy_document().committee_name}各成员单位主要负责人。"
    if guests:
        text += f"根据议题需要，邀请{'、'.join(guests)}有关人员参加。"
    add_paragraph(doc, text)
    add_heading(doc, "四、会议议程")
    for line in _agenda_lines(meeting, items):
        add_paragraph(doc, line)
    add_heading(doc, "五、有关要求")
    add_paragraph(
        doc,
        f"（一）请各成员单位于{cn_date(meeting.topic_deadline)}前通过平台报送拟提请会议研究的议题（第五条），"
        "并在平台确认参会人员。",
    )
    add_paragraph(
        doc, "（二）请各成员单位准备本单位落实上次联席会议决定事项的情况，会上作简要汇报（第二条(六)）。"
    )
    if meeting.notice_requirements:
        add_paragraph(doc, f"（三）{meeting.notice_requirements}")
    issued = (
        timezone.localdate(meeting.notice_issued_at) if meeting.notice_issued_at else timezone.localdate()
    )
    _sign(doc, issued)
    return doc


def agenda_document(meeting: Meeting) -> DocxDocument:
    """会议议程."""
    items = agenda_items(meeting)
    doc = new_document(title=f"{meeting.full_title}议程")
    add_paragraph(doc, f"时间：{_when(meeting)}", indent=False)
    add_paragraph(doc, f"地点：{meeting.place or '另行通知'}", indent=False)
    add_paragraph(doc, f"召集人：{_convener_text(meeting)}", indent=False)
    add_heading(doc, "议程")
    for line in _agenda_lines(meeting, items):
        add_paragraph(doc, line)
    return doc


def _status_lines(status: PreviousDecisions | None) -> list[str]:
    previous = status["previous"] if status else None
    if not status or previous is None:
        return ["本次为首次联席会议，无上次会议决定事项。"]
    c = status["counts"]
    lines = [
        f"{previous['title']}共作出决定事项 {c['total']} 项，已办结 {c['done']} 项，"
        f"未办结 {c['open']} 项（其中逾期 {c['overdue']} 项）。"
    ]
    for n, entry in enumerate(status["items"], start=1):
        units = "；".join(f"{u['unit']}（{u['role']}）{u['status_label']}" for u in entry["units"])
        lines.append(
            f"{n}. {entry['title']}：{entry['status_label']}。办理时限 {entry['deadline']}。{units}。"
        )
    if status["earlier_open"]:
        lines.append("往次会议尚未办结的事项：")
        for entry in status["earlier_open"]:
            lines.append(
                f"· {entry['title']}（{entry['meeting']}，时限 {entry['deadline']}）：{entry['status_label']}。"
            )
    return lines


def minutes_document(meeting: Meeting) -> DocxDocument:
    """会议纪要: overview, each agenda item's discussion and decisions, attendance, sign-off."""
    items = agenda_items(meeting)
    decisions = meeting_decisions(meeting)
    status = first_item_status(meeting, items)
    doc = new_document(title=f"{meeting.full_title}纪要", doc_number=meeting.minutes_number)
    add_paragraph(doc, meeting.minutes_overview)
    for n, item in enumerate(items, start=1):
        add_heading(doc, f"{cn_number(n)}、{item.title}")
        if item.is_generated:
            for line in _status_lines(status):
                add_paragraph(doc, line)
        if item.discussion:
            add_paragraph(doc, item.discussion)
        item_decisions = decisions.get(item.pk, [])
        if item_decisions:
            add_paragraph(doc, "会议决定：")
        for m, decision in enumerate(item_decisions, start=1):
            text = f"（{cn_number(m)}）{decision.title}"
            if decision.content:
                text += f"。{decision.content}"
            text += f"。牵头单位：{decision.lead_names}"
            if decision.support_names:
                text += f"；配合单位：{decision.support_names}"
            text += f"；完成时限：{cn_date(decision.deadline)}。"
            add_paragraph(doc, text)
    attending = [
        f"{i.name}（{i.attendees}）" if i.attendees else i.name
        for i in meeting.invitations.select_related("unit")
        if i.response == Invitation.Response.ATTENDING
    ]
    if attending:
        add_paragraph(doc, "出席：" + "、".join(attending), indent=False)
    if meeting.is_history:
        add_paragraph(doc, f"（历史补录，纪要原件存档；召开日期 {cn_date(meeting.held_on)}）", indent=False)
        if meeting.attendees:
            add_paragraph(doc, "出席人员：" + meeting.attendees, indent=False)
    elif meeting.minutes_signed_at and meeting.minutes_signed_by is not None:
        add_paragraph(
            doc,
            f"签发：{meeting.minutes_signed_by.display_name}（{cn_date(timezone.localdate(meeting.minutes_signed_at))}）",
            indent=False,
        )
    else:
        add_paragraph(doc, "（纪要草稿，尚未签发）", indent=False)
    add_paragraph(doc, "分送：委员会各成员单位。", indent=False)
    return doc


def followup_notice_document(
    assignment: FollowUpAssignment, *, today: dt.date, urge_count: int = 1
) -> DocxDocument:
    """催办通知单 for an overdue assignment (第四条: 办公室……进行汇总和督办), the ``urge_count``-th."""
    item = assignment.item
    overdue_days = (today - assignment.deadline).days
    doc = new_document(
        title="催办通知单",
        issuer=policy_document().office_name,
        doc_number=f"督办〔{today.year}〕{assignment.pk}-{urge_count}号",
    )
    add_paragraph(doc, f"{assignment.unit.full_name or assignment.unit.name}：", indent=False)
    add_paragraph(
        doc,
        f"下列督办事项已超过办理时限 {overdue_days} 天，尚未办结，现第 {urge_count} 次催办。"
        f"根据{policy_document().meeting_rules_title}第四条、第五条，请抓紧办理。",
    )
    last = assignment.last_report_at
    deadline = cn_date(assignment.deadline)
    if assignment.deadline != item.deadline:
        deadline += f"（经批准由{cn_date(item.deadline)}延期）"
    add_table(
        doc,
        ["项目", "内容"],
        [
            ["督办事项", item.title],
            ["具体要求", item.content or "—"],
            ["来源", item.source_label],
            ["责任分工", assignment.get_role_display() + "单位"],
            ["办理时限", deadline],
            ["逾期天数", f"{overdue_days} 天"],
            ["催办次数", f"第 {urge_count} 次"],
            ["当前环节", assignment.get_phase_display()],
            ["最近报送", cn_date(timezone.localdate(last)) if last else "未报送"],
        ],
        font_size=12,
    )
    add_paragraph(doc, "")
    add_paragraph(
        doc,
        "请于收到本通知单后 3 个工作日内，通过平台报送办理进展、未按期办结的原因和下一步措施，并抓紧办结后申请销号；"
        "确需延期的，请在平台提出延期申请，经办公室负责人批准后按新的时限办结。",
    )
    _sign(doc, today)
    return doc
