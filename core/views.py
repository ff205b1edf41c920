from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from . import health as health_checks


def healthz(request: HttpRequest) -> HttpResponse:
    """Trivial view: load balancers' liveness probe and the benchmark's baseline (touches nothing)."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness for monitors (JSON): every part of the stack, 503 when one has failed."""
    report = health_checks.readiness()
    return JsonResponse(
        report, status=200 if report["ready"] else 503, json_dumps_params={"ensure_ascii": False}
    )
