from django.urls import path

from . import calendar_views, import_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("readyz/", views.readyz, name="readyz"),
    path("policy/", views.policy, name="policy"),
    path("rewards/schedule/", views.reward_schedule, name="reward_schedule"),
    path("workbench/", views.workbench, name="workbench"),
    path("history/<str:label>/<int:pk>/", views.object_history, name="object_history"),
    path("calendar/", calendar_views.calendar_year, name="calendar"),
    path("imports/<int:pk>/", import_views.preview, name="import_preview"),
    path("imports/<int:pk>/confirm/", import_views.confirm, name="import_confirm"),
    path("imports/<int:pk>/discard/", import_views.discard, name="import_discard"),
    path("system/health/", views.health, name="health"),
    path("system/health/check/", views.health_check, name="health_check"),
]
