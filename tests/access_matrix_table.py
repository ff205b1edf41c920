"""The expected access table of issue 7: every URL name × every role, derived from docs/design.md.

"Roles" (docs/design.md), read as rules:

- public (anonymous): policy summary, reward schedule, current 公示 lists; anything else → 302 to
  the login page;
- enterprise user: its own enterprise's applications; member-unit user: its own unit's reports,
  topics and follow-up items, the overall progress read-only; office staff and approvers: everything
  of the office; approvers alone: second review, minutes sign-off, closing follow-up items;
- system admin (IT): the Django admin; on the platform only the public pages, its workbench, its
  inbox and its password (plus the system health page, see ``core:health``);
- a logged-in user of a role that may not use a page → 403; a same-role outsider asking for another's
  object → 404; a read-only viewer asking to change → 403.

The world the ids come from (``tests/test_access_matrix.py``) belongs to enterprise A and unit A
(市农业农村局); enterprise B and unit B (容城镇) are the same-role outsiders. Unit B is not invited to
the meeting of the world, so every meeting object is another unit's to it.

A cell is an exact status, ``LOGIN`` (302 to /accounts/login/), ``ADMIN_LOGIN`` (302 to the admin's
login) or, for a role that may perform a POST action sent with an empty body, ``ACT``: the action was
handled (done, refused with a message and a redirect, or the form shown again). No cell of a role that
must be refused ever allows 200.
"""

from collections.abc import Callable
from typing import NamedTuple

ROLES = ("anon", "ent_a", "ent_b", "unit_a", "unit_b", "office", "approver", "admin")
# the keys of the ``users`` fixture (conftest.py) for the logged-in roles
ROLE_USERS = {
    "ent_a": "enterprise_a",
    "ent_b": "enterprise_b",
    "unit_a": "unit_a",
    "unit_b": "unit_b",
    "office": "office",
    "approver": "approver",
    "admin": "admin",
}

LOGIN = "302→login"
ADMIN_LOGIN = "302→admin login"
ACT = frozenset({200, 302, 400})


class Row(NamedTuple):
    method: str
    kwargs: Callable[[object], dict]
    expected: tuple


def _none(w) -> dict:
    return {}


def get(expected, kwargs=_none) -> Row:
    return Row("GET", kwargs, expected)


def post(expected, kwargs=_none) -> Row:
    return Row("POST", kwargs, expected)


def pk(attr: str) -> Callable[[object], dict]:
    return lambda w: {"pk": getattr(w, attr).pk}


# --- the rules as rows of 8 cells: anon, ent_a, ent_b, unit_a, unit_b, office, approver, admin -----
PUBLIC = (200,) * 8
SIGNED_IN = (LOGIN,) + (200,) * 7  # one's own workbench, inbox, password
OFFICE = (LOGIN, 403, 403, 403, 403, 200, 200, 403)
OFFICE_REDIRECT = (LOGIN, 403, 403, 403, 403, 302, 302, 403)
OFFICE_ACT = (LOGIN, 403, 403, 403, 403, ACT, ACT, 403)
APPROVER_ACT = (LOGIN, 403, 403, 403, 403, 403, ACT, 403)
# the office, and every member unit read-only (overall progress; its own list of reports / items)
SHARED = (LOGIN, 403, 403, 200, 200, 200, 200, 403)
# each member unit its own page (its own published assessment)
UNITS = (LOGIN, 403, 403, 200, 200, 403, 403, 403)
# an object of unit A: unit A and the office see it; unit B is an outsider
UNIT_A_OBJECT = (LOGIN, 403, 403, 200, 404, 200, 200, 403)
# an action of the member unit on its own object: the office may look but not act for the unit
UNIT_A_ACT = (LOGIN, 403, 403, ACT, 404, 403, 403, 403)
UNIT_A_PAGE = (LOGIN, 403, 403, 200, 404, 403, 403, 403)
# enterprise pages without an object: each enterprise its own
ENTERPRISE = (LOGIN, 200, 200, 403, 403, 403, 403, 403)
ENTERPRISE_ACT = (LOGIN, ACT, ACT, 403, 403, 403, 403, 403)
# an object of enterprise A: enterprise A and the office see it; enterprise B is an outsider
ENT_A_OBJECT = (LOGIN, 200, 404, 403, 403, 200, 200, 403)
ENT_A_PAGE = (LOGIN, 200, 404, 403, 403, 403, 403, 403)
ENT_A_ACT = (LOGIN, ACT, 404, 403, 403, 403, 403, 403)
# a personal object of unit A's user (an inbox message): nobody else's, the office's neither
UNIT_A_USER_ACT = (LOGIN, 404, 404, ACT, 404, 404, 404, 404)


TABLE: dict[str, Row] = {
    # --- core ------------------------------------------------------------------------------------
    "core:home": get(PUBLIC),
    "core:healthz": get(PUBLIC),
    # readiness for monitors, open like /healthz/ (counts only, no names); the test world has no
    # worker heartbeat, so it answers "not ready" to everyone alike
    "core:readyz": get((503,) * 8),
    "core:policy": get(PUBLIC),
    "core:reward_schedule": get(PUBLIC),
    "core:workbench": get(SIGNED_IN),
    "core:calendar": get(OFFICE),
    # every import's preview, confirm and discard (core.import_views): the uploader's own batch only
    "core:import_preview": get((LOGIN, 403, 403, 200, 404, 404, 404, 403), pk("import_batch")),
    "core:import_confirm": post((LOGIN, 403, 403, ACT, 404, 404, 404, 403), pk("import_batch")),
    "core:import_discard": post((LOGIN, 403, 403, ACT, 404, 404, 404, 403), pk("import_batch")),
    # the generic audit trail is the office's (units read their report's changes on report_history)
    "core:object_history": get(OFFICE, lambda w: {"label": "targets.report", "pk": w.report.pk}),
    # system health (worker, beat, broker) is the IT administrator's concern as much as the office's
    "core:health": get((LOGIN, 403, 403, 403, 403, 200, 200, 200)),
    "core:health_check": post((LOGIN, 403, 403, 403, 403, 302, 302, 302)),
    # --- accounts --------------------------------------------------------------------------------
    # a logged-in user is sent on to the workbench (Django's redirect_authenticated_user)
    "accounts:login": get((200, 302, 302, 302, 302, 302, 302, 302)),
    "accounts:logout": post((302,) * 8),
    "accounts:password_change": get(SIGNED_IN),
    "accounts:password_change_done": get(SIGNED_IN),
    # --- targets ---------------------------------------------------------------------------------
    "targets:dashboard": get(SHARED),
    "targets:matrix": get(OFFICE),
    "targets:dashboard_export": get(OFFICE),
    "targets:target_detail": get(SHARED, pk("target")),
    "targets:unit_detail": get(UNIT_A_OBJECT, lambda w: {"pk": w.unit_a.pk}),
    "targets:period_list": get(OFFICE),
    "targets:period_open": post(OFFICE_ACT),
    "targets:period_history": get(OFFICE),
    "targets:period_detail": get(OFFICE, pk("period")),
    "targets:period_export": get(OFFICE, pk("period")),
    "targets:report_list": get(SHARED),  # each unit its own reports
    "targets:report_list_export": get(OFFICE),
    "targets:report_detail": get(UNIT_A_OBJECT, pk("report")),
    "targets:report_submit": post(UNIT_A_ACT, pk("report")),
    "targets:report_return": post(OFFICE_ACT, pk("report")),
    "targets:report_accept": post(OFFICE_ACT, pk("report")),
    "targets:report_history": get(UNIT_A_OBJECT, pk("report")),
    "targets:report_template": get(UNIT_A_OBJECT, pk("report")),
    # the office fills a unit's report only in a back-filled period: here it is a read-only viewer
    "targets:report_upload": get((LOGIN, 403, 403, 200, 404, 403, 403, 403), pk("report")),
    "targets:evidence": get(UNIT_A_OBJECT, pk("report_line")),
    # a pending template import is the uploader's unfinished work (like an enterprise's draft, which
    # the office does not see either): others get 404; the office has the stored file (import_file)
    "targets:import_preview": get((LOGIN, 403, 403, 200, 404, 404, 404, 403), pk("import_batch")),
    "targets:import_confirm": post((LOGIN, 403, 403, ACT, 404, 404, 404, 403), pk("import_batch")),
    "targets:import_discard": post((LOGIN, 403, 403, ACT, 404, 404, 404, 403), pk("import_batch")),
    "targets:import_file": get(OFFICE, pk("import_batch")),
    "targets:statistics_import": get(OFFICE),
    "targets:statistics_template": get(OFFICE),
    "targets:plan_list": get(OFFICE),
    "targets:plan_create": get(OFFICE),
    "targets:plan_detail": get(OFFICE, pk("plan")),
    "targets:plan_edit": get(OFFICE, pk("plan")),
    "targets:plan_carry_over": get(OFFICE, pk("plan")),
    "targets:target_create": get(OFFICE, lambda w: {"plan_pk": w.plan.pk}),
    "targets:target_edit": get(OFFICE, pk("target")),
    "targets:measure_create": get(OFFICE, lambda w: {"plan_pk": w.plan.pk}),
    "targets:measure_edit": get(OFFICE, pk("measure")),
    "targets:evaluation": get(OFFICE, pk("plan")),
    "targets:evaluation_sign_off": post(APPROVER_ACT, pk("plan")),
    "targets:evaluation_reopen": post(APPROVER_ACT, pk("plan")),
    "targets:evaluation_xlsx": get(OFFICE, pk("plan")),
    "targets:evaluation_docx": get(OFFICE, pk("plan")),
    # --- awards ----------------------------------------------------------------------------------
    # registration is for newcomers: a logged-in user is sent to the workbench with a message
    "awards:register": get((200, 302, 302, 302, 302, 302, 302, 302)),
    "awards:publicity": get(PUBLIC),
    "awards:review_request": get(PUBLIC),  # a company whose credit code is taken asks for a review
    "awards:publicity_batch": get(PUBLIC, pk("publicity_batch")),
    "awards:my_applications": get(ENTERPRISE),
    "awards:application_create": get(ENTERPRISE),
    "awards:application_check": post(ENTERPRISE_ACT),
    "awards:application_detail": get(ENT_A_OBJECT, pk("application")),
    "awards:application_edit": get(ENT_A_PAGE, pk("draft")),
    "awards:application_withdraw": post(ENT_A_ACT, pk("application")),
    "awards:attachment_download": get(
        ENT_A_OBJECT, lambda w: {"pk": w.application.pk, "attachment_pk": w.attachment.pk}
    ),
    "awards:attachment_delete": post(
        ENT_A_ACT, lambda w: {"pk": w.application.pk, "attachment_pk": w.attachment.pk}
    ),
    # "my enterprise" is a redirect to the enterprise's own page
    "awards:my_enterprise": get((LOGIN, 302, 302, 403, 403, 403, 403, 403)),
    "awards:enterprise_edit": get(ENTERPRISE),
    "awards:enterprise_detail": get(ENT_A_OBJECT, lambda w: {"pk": w.enterprise_a.pk}),
    "awards:enterprise_licence": get(ENT_A_OBJECT, lambda w: {"pk": w.enterprise_a.pk}),
    "awards:office_applications": get(OFFICE),
    "awards:office_applications_export": get(OFFICE),
    "awards:first_review": post(OFFICE_ACT, pk("application")),
    "awards:second_review": post(APPROVER_ACT, pk("application")),  # 复核: approvers only
    "awards:objection_create": post(OFFICE_ACT, pk("in_publicity")),
    "awards:objection_resolve": post(OFFICE_ACT, pk("objection")),
    "awards:payment_record": get(OFFICE, pk("awaiting_payment")),
    "awards:funding_requests": get(OFFICE),
    "awards:funding_request": get(OFFICE, pk("funding_request")),
    "awards:funding_request_docx": get(OFFICE, pk("funding_request")),
    "awards:enterprise_list": get(OFFICE),
    "awards:enterprise_verify": post(OFFICE_ACT, lambda w: {"pk": w.enterprise_a.pk}),
    # sent without a reason: refused with a message, nothing changes
    "awards:enterprise_reject": post(OFFICE_ACT, lambda w: {"pk": w.enterprise_a.pk}),
    "awards:enterprise_unbind": post(
        OFFICE_ACT, lambda w: {"pk": w.enterprise_a.pk, "user_pk": w.enterprise_a.users.first().pk}
    ),
    "awards:registration_reviews": get(OFFICE),
    "awards:registration_review": get(OFFICE, pk("review")),
    "awards:review_licence": get(OFFICE, pk("review")),
    "awards:enterprise_refuse": post(OFFICE_ACT, lambda w: {"pk": w.enterprise_a.pk}),
    "awards:publicity_manage": get(OFFICE),
    "awards:publicity_publish": get(OFFICE),
    "awards:publicity_docx": get(OFFICE, pk("publicity_batch")),
    "awards:money": get(OFFICE),
    "awards:budget_set": post(OFFICE_ACT),
    "awards:payment_ledger": get(OFFICE),
    "awards:payment_ledger_xlsx": get(OFFICE),
    "awards:money_changes": get(OFFICE),
    "awards:money_change_confirm": post(APPROVER_ACT, pk("money_change")),  # maker-checker: approvers
    "awards:money_change_refuse": post(APPROVER_ACT, pk("money_change")),
    "awards:legacy_correct": get(OFFICE, pk("legacy")),
    "awards:integrity": get(OFFICE),
    "awards:integrity_xlsx": get(OFFICE),
    "awards:integrity_scan": post(OFFICE_ACT),
    "awards:finding_rule": post(APPROVER_ACT, pk("finding")),  # rulings: approvers only
    "awards:money_xlsx": get(OFFICE),
    "awards:payments_docx": get(OFFICE),
    "awards:legacy_create": get(OFFICE),
    "awards:legacy_import": get(OFFICE),
    "awards:legacy_import_confirm": post(OFFICE_ACT),
    "awards:legacy_template": get(OFFICE),
    "awards:reward_items": get(OFFICE),
    "awards:reward_item_edit": get(OFFICE, lambda w: {"code": w.reward_item.code}),
    "awards:office_settings": get(OFFICE),
    "awards:calendar_day_delete": post(OFFICE_ACT, pk("calendar_day")),
    # --- committee -------------------------------------------------------------------------------
    # the roster and the directory of member units (with their contacts) are the committee's shared
    # working list: every member unit sees all of it, read-only (committee/permissions.py)
    "committee:roster": get(SHARED),
    "committee:roster_export_xlsx": get(SHARED),
    "committee:roster_export_docx": get(SHARED),
    "committee:roster_import": get(OFFICE),
    "committee:roster_import_confirm": post(OFFICE_ACT),
    "committee:seat_create": get(OFFICE),
    "committee:seat_detail": get(SHARED, pk("seat")),
    "committee:seat_replace": post(OFFICE_ACT, pk("seat")),
    "committee:seat_retire": post(OFFICE_ACT, pk("seat")),
    "committee:unit_list": get(SHARED),
    "committee:unit_detail": get(SHARED, lambda w: {"pk": w.unit_a.pk}),
    "committee:contact_create": get(OFFICE, lambda w: {"unit_pk": w.unit_a.pk}),
    "committee:contact_update": get(OFFICE, lambda w: {"unit_pk": w.unit_a.pk, "pk": w.contact.pk}),
    "committee:contact_delete": post(OFFICE_ACT, lambda w: {"unit_pk": w.unit_a.pk, "pk": w.contact.pk}),
    # --- meetings --------------------------------------------------------------------------------
    "meetings:meeting_list": get(SHARED),  # each unit the meetings it is invited to
    "meetings:meeting_create": post(OFFICE_ACT),
    "meetings:meeting_detail": get(UNIT_A_OBJECT, pk("meeting")),
    "meetings:meeting_edit": get(OFFICE, pk("meeting")),
    "meetings:meeting_issue_notice": post(OFFICE_ACT, pk("meeting")),
    "meetings:meeting_mark_held": post(OFFICE_ACT, pk("meeting")),
    "meetings:guest_add": post(OFFICE_ACT, pk("meeting")),
    "meetings:attendance": post(UNIT_A_ACT, pk("meeting")),
    "meetings:notice_docx": get(UNIT_A_OBJECT, pk("meeting")),
    "meetings:agenda_docx": get(UNIT_A_OBJECT, pk("meeting")),
    "meetings:topic_create": get(UNIT_A_PAGE, pk("meeting")),  # topics are proposed by member units
    "meetings:agenda_add": post(OFFICE_ACT, pk("meeting")),
    "meetings:agenda_move": post(OFFICE_ACT, lambda w: {"pk": w.agenda_item.pk, "direction": "up"}),
    "meetings:agenda_remove": post(OFFICE_ACT, pk("agenda_item")),
    "meetings:decision_create": get(OFFICE, pk("draft_agenda_item")),
    "meetings:decision_edit": get(OFFICE, lambda w: {"item_pk": w.draft_decision.pk}),
    "meetings:decision_delete": post(OFFICE_ACT, lambda w: {"item_pk": w.draft_decision.pk}),
    "meetings:topic_detail": get(UNIT_A_OBJECT, pk("topic")),
    "meetings:topic_decide": post(OFFICE_ACT, pk("topic")),
    "meetings:topic_attachment": get(UNIT_A_OBJECT, pk("topic_attachment")),
    "meetings:minutes": get(UNIT_A_OBJECT, pk("meeting")),
    "meetings:minutes_edit": get(OFFICE, pk("held_meeting")),
    "meetings:minutes_sign": post(APPROVER_ACT, pk("held_meeting")),  # 签发: approvers only
    "meetings:minutes_return": post(APPROVER_ACT, pk("held_meeting")),
    "meetings:minutes_publish": post(OFFICE_ACT, pk("held_meeting")),
    "meetings:minutes_docx": get(UNIT_A_OBJECT, pk("meeting")),
    "meetings:followup_list": get(SHARED),  # each unit its own items
    "meetings:followup_export": get(OFFICE),
    "meetings:followup_detail": get(UNIT_A_OBJECT, pk("assignment")),
    "meetings:followup_sign": post(UNIT_A_ACT, pk("assignment")),
    "meetings:followup_report": post(UNIT_A_ACT, pk("assignment")),
    "meetings:followup_request_closure": post(UNIT_A_ACT, pk("assignment")),
    "meetings:followup_close": post(APPROVER_ACT, pk("assignment")),  # 销号: approvers only
    "meetings:followup_return": post(OFFICE_ACT, pk("assignment")),
    "meetings:followup_notice_docx": get(OFFICE, pk("assignment")),  # the item is overdue
    "meetings:evidence_download": get(UNIT_A_OBJECT, pk("followup_evidence")),
    "meetings:followup_refuse": post(UNIT_A_ACT, pk("assignment")),  # 拒签退回: the unit's own
    "meetings:followup_reassign": post(OFFICE_ACT, pk("assignment")),
    "meetings:extension_request": post(UNIT_A_ACT, pk("assignment")),
    "meetings:extension_decide": post(APPROVER_ACT, pk("extension")),  # 延期 is an approver's decision
    "meetings:followup_overdue": get(SHARED),  # each unit its own overdue items
    "meetings:followup_settings": get(OFFICE),
    "meetings:history_create": get(OFFICE),
    "meetings:history_import": get(OFFICE),
    "meetings:history_import_confirm": post(OFFICE_ACT),
    "meetings:history_template": get(OFFICE),
    "meetings:history_finalize": post(OFFICE_ACT, pk("history_meeting")),
    "meetings:minutes_files_add": post(OFFICE_ACT, pk("history_meeting")),
    "meetings:minutes_file": get(UNIT_A_OBJECT, pk("minutes_file")),
    "meetings:workplan_list": get(OFFICE),
    "meetings:workplan_create": post(OFFICE_ACT),
    "meetings:workplan_detail": get(OFFICE, pk("work_plan")),
    "meetings:assessment": get(OFFICE_REDIRECT),  # to assessment:index
    # --- assessment (三(三)) ---------------------------------------------------------------------
    "assessment:index": get(OFFICE),
    "assessment:mine": get(UNITS),
    "assessment:scheme": get(OFFICE, lambda w: {"year": w.assessment.year}),
    "assessment:publish": post(APPROVER_ACT, lambda w: {"year": w.assessment.year}),
    "assessment:export_xlsx": get(OFFICE, lambda w: {"year": w.assessment.year}),
    "assessment:export_docx": get(OFFICE, lambda w: {"year": w.assessment.year}),
    # --- notifications ---------------------------------------------------------------------------
    "notifications:inbox": get(SIGNED_IN),
    "notifications:mark_all_read": post((LOGIN,) + (302,) * 7),
    "notifications:mark_read": post(UNIT_A_USER_ACT, pk("notification")),
    "notifications:open": post(UNIT_A_USER_ACT, pk("notification")),
    "notifications:sent": get(SIGNED_IN),  # the messages sent to oneself
    "notifications:outbox": get(OFFICE),
    "notifications:resend": post(OFFICE_ACT, pk("email")),
    # --- scheduler -------------------------------------------------------------------------------
    "scheduler:index": get(OFFICE_REDIRECT),  # the index is a redirect to the reports
    "scheduler:reports": get(OFFICE),
    "scheduler:report_build": post(OFFICE_ACT),
    "scheduler:report_detail": get(OFFICE, lambda w: {"key": w.half_year_report.key}),
    "scheduler:report_download": get(OFFICE, lambda w: {"key": w.half_year_report.key, "fmt": "xlsx"}),
    "scheduler:schedules": get(OFFICE),
    "scheduler:schedule_edit": get(OFFICE, pk("schedule")),
    "scheduler:schedule_run": post(OFFICE_ACT, pk("schedule")),
    # --- Django admin: the IT administrator's only; everyone else is sent to the admin's login ----
    "admin:index": get((ADMIN_LOGIN,) * 7 + (200,)),
}
