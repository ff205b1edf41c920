"""The top-level pages, in the ``core`` URL namespace with core's probes (``jianli_quality/urls.py``)."""

from django.urls import path

from . import calendar_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("policy/", views.policy, name="policy"),
    path("rewards/schedule/", views.reward_schedule, name="reward_schedule"),
    path("workbench/", views.workbench, name="workbench"),
    path("history/<str:label>/<int:pk>/", views.object_history, name="object_history"),
    path("calendar/", calendar_views.calendar_year, name="calendar"),
    path("system/health/", views.health, name="health"),
    path("system/health/check/", views.health_check, name="health_check"),
]
