from django.urls import path

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
    path("followups/evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("workplans/", views.workplan_list, name="workplan_list"),
    path("workplans/new/", views.workplan_create, name="workplan_create"),
    path("workplans/<int:pk>/", views.workplan_detail, name="workplan_detail"),
    path("assessment/", views.assessment, name="assessment"),
    path("assessment/export.xlsx", views.assessment_export, name="assessment_export"),
]
