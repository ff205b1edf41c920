from django.contrib import admin
from django.urls import include, path

import core.urls
import portal.urls

urlpatterns = [
    # one namespace for the site's own pages: core's probes and portal's top-level pages
    path("", include((core.urls.urlpatterns + portal.urls.urlpatterns, "core"))),
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

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
