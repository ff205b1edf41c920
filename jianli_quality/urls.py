from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("targets/", include("targets.urls")),
    path("awards/", include("awards.urls")),
    path("committee/", include("committee.urls")),
    path("meetings/", include("meetings.urls")),
    path("notifications/", include("notifications.urls")),
    path("scheduler/", include("scheduler.urls")),
    path("assessment/", include("assessment.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
