"""The client's real address, the same for the login lockout (django-axes) and the rate limits.

Behind nginx the TCP peer is the proxy, not the client: over a unix socket ``REMOTE_ADDR`` is empty,
over TCP it is the proxy's own address. The proxy's forwarded header is believed only when the peer
is the proxy itself (a unix socket, which only nginx can open, or an address in
``TRUSTED_PROXY_IPS``) and ``TRUSTED_PROXY_COUNT`` proxies are configured; django-ipware then picks
the address the nearest trusted proxy appended. A direct client's own header is ignored.
"""

from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip


def peer_is_trusted_proxy(request: HttpRequest) -> bool:
    if not settings.TRUSTED_PROXY_COUNT:
        return False
    peer = request.META.get("REMOTE_ADDR") or ""
    return peer == "" or peer in settings.TRUSTED_PROXY_IPS


def client_ip(request: HttpRequest) -> str:
    """The client's address as a string ('' when unknown); ``AXES_CLIENT_IP_CALLABLE``."""
    peer = request.META.get("REMOTE_ADDR") or ""
    if not peer_is_trusted_proxy(request):
        return peer
    order: Literal["left-most", "right-most"] = (
        "right-most" if settings.AXES_IPWARE_PROXY_ORDER == "right-most" else "left-most"
    )
    address, _routable = get_client_ip(
        request,
        proxy_order=order,
        proxy_count=settings.AXES_IPWARE_PROXY_COUNT,
        request_header_order=settings.AXES_IPWARE_META_PRECEDENCE_ORDER,
        # the header holds what the client sent followed by what our proxies appended: only the
        # position counted from the right is trusted, so a longer chain is expected, not refused
        strict=False,
    )
    return address or peer


def ratelimit_key(group: str, request: HttpRequest) -> str:
    """django-ratelimit key: one bucket per client address."""
    return client_ip(request) or "unknown"
