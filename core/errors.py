"""Error pages in Chinese, in the site's look.

404 and 403 extend ``base.html`` (the navigation of a logged-in user included). 400, 429 and 500
are rendered from ``errors/_plain.html`` without the request's context processors: they must work
when the database is down or the request itself is broken (no session, no user, no query).
"""

from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django_ratelimit.exceptions import Ratelimited

from .policy import remembered_policy_document


def _plain(template: str, status: int) -> HttpResponse:
    policy = remembered_policy_document()  # no query: the database may be what is broken
    html = loader.get_template(template).render({"platform_name": policy.platform_name, "policy": policy})
    return HttpResponse(html, status=status)


def bad_request(request, exception=None):
    return _plain("errors/400.html", 400)


def permission_denied(request, exception=None):
    if isinstance(exception, Ratelimited):
        return _plain("errors/429.html", 429)
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return _plain("errors/500.html", 500)
