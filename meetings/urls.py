from django.urls import path
from django.views.generic import RedirectView

from accounts.permissions import office_required

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("new/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/notice/", views.meeting_issue_notice, name="meeting_issue_notice"),
    path("<int:pk>/held/", views.meeting_mark_held, name="meeting_mark_held"),
    path("<int:pk>/guests/", views.guest_add, name="guest_add"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/notice.docx", views.notice_docx, name="notice_docx"),
    path("<int:pk>/agenda.docx", views.agenda_docx, name="agenda_docx"),
    path("<int:pk>/topics/new/", views.topic_create, name="topic_create"),
    path("<int:pk>/agenda/add/", views.agenda_add, name="agenda_add"),
    path("agenda/<int:pk>/move/<str:direction>/", views.agenda_move, name="agenda_move"),
    path("agenda/<int:pk>/remove/", views.agenda_remove, name="agenda_remove"),
    path("agenda/<int:pk>/decisions/new/", views.decision_edit, name="decision_create"),
    path("decisions/<int:item_pk>/edit/", views.decision_edit, name="decision_edit"),
    path("decisions/<int:item_pk>/delete/", views.decision_delete, name="decision_delete"),
    path("topics/<int:pk>/", views.topic_detail, name="topic_detail"),
    path("topics/<int:pk>/decide/", views.topic_decide, name="topic_decide"),
    path("topics/attachments/<int:pk>/", views.topic_attachment, name="topic_attachment"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("<int:pk>/minutes/edit/", views.minutes_edit, name="minutes_edit"),
    path("<int:pk>/minutes/sign/", views.minutes_sign, name="minutes_sign"),
    path("<int:pk>/minutes/return/", views.minutes_return, name="minutes_return"),
    path("<int:pk>/minutes/publish/", views.minutes_publish, name="minutes_publish"),
    path("<int:pk>/minutes.docx", views.minutes_docx, name="minutes_docx"),
    path("followups/", views.followup_list, name="followup_list"),
    path("followups/export.xlsx", views.followup_export, name="followup_export"),
    path("followups/<int:pk>/", views.followup_detail, name="followup_detail"),
    path("followups/<int:pk>/sign/", views.followup_sign, name="followup_sign"),
    path("followups/<int:pk>/report/", views.followup_report, name="followup_report"),
    path(
        "followups/<int:pk>/request-closure/", views.followup_request_closure, name="followup_request_closure"
    ),
    path("followups/<int:pk>/close/", views.followup_close, name="followup_close"),
    path("followups/<int:pk>/return/", views.followup_return, name="followup_return"),
    path("followups/<int:pk>/notice.docx", views.followup_notice_docx, name="followup_notice_docx"),
    path("followups/<int:pk>/refuse/", views.followup_refuse, name="followup_refuse"),
    path("followups/<int:pk>/reassign/", views.followup_reassign, name="followup_reassign"),
    path("followups/<int:pk>/extension/", views.extension_request, name="extension_request"),
    path("followups/extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
    path("followups/overdue/", views.followup_overdue, name="followup_overdue"),
    path("followups/settings/", views.followup_settings, name="followup_settings"),
    path("history/", views.history_create, name="history_create"),
    path("history/import/", views.history_import, name="history_import"),
    path("history/import/confirm/", views.history_import_confirm, name="history_import_confirm"),
    path("history/template.xlsx", views.history_template, name="history_template"),
    path("<int:pk>/history/finalize/", views.history_finalize, name="history_finalize"),
    path("<int:pk>/minutes/files/", views.minutes_files_add, name="minutes_files_add"),
    path("minutes/files/<int:pk>/", views.minutes_file, name="minutes_file"),
    path("followups/evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("workplans/", views.workplan_list, name="workplan_list"),
    path("workplans/new/", views.workplan_create, name="workplan_create"),
    path("workplans/<int:pk>/", views.workplan_detail, name="workplan_detail"),
    # the raw-count page of old: 三(三) 督查考核 is the assessment app's (scores by the office's rules)
    path(
        "assessment/",
        office_required(RedirectView.as_view(pattern_name="assessment:index")),
        name="assessment",
    ),
]
