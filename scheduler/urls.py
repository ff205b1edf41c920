from django.urls import path

from . import views

app_name = "scheduler"

urlpatterns = [
    path("", views.index, name="index"),
    path("reports/", views.report_list, name="reports"),
    path("reports/build/", views.report_build, name="report_build"),
    path("reports/<str:key>/", views.report_detail, name="report_detail"),
    path("reports/<str:key>/<str:fmt>/", views.report_download, name="report_download"),
    path("schedules/", views.schedule_list, name="schedules"),
    path("schedules/<int:pk>/", views.schedule_edit, name="schedule_edit"),
    path("schedules/<int:pk>/run/", views.schedule_run, name="schedule_run"),
]
