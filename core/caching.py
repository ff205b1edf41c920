"""Caching of the public pages for first-time visitors.

The home page, the policy summary and the reward schedule are the same for every anonymous visitor
and change only when the office edits policy data; they are cached for ``timeout`` seconds, so an
office edit shows there within that time. Only cookie-less anonymous GETs without a query string are
served from the cache: a logged-in user, a visitor with a session or a pending message, and every
other method always get a fresh page. Security headers are added by the middleware either way.
"""

import hashlib
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse

PUBLIC_PAGE_SECONDS = 60


def _cacheable(request) -> bool:
    return (
        request.method == "GET"
        and not request.COOKIES
        and not request.GET
        and not request.user.is_authenticated
    )


def cache_public_page(view=None, *, timeout: int = PUBLIC_PAGE_SECONDS, version=None):
    """``version(request) -> str``, when given, is part of the key: a page whose content must never be
    stale (the 公示 list) passes a cheap fingerprint of its data and is then always current."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable(request):
                return view(request, *args, **kwargs)
            fingerprint = version(request) if version is not None else ""
            key = "public-page:" + hashlib.sha256(f"{request.path}|{fingerprint}".encode()).hexdigest()
            cached = cache.get(key)
            if cached is not None:
                content, content_type = cached
                return HttpResponse(content, content_type=content_type)
            response = view(request, *args, **kwargs)
            # a response that sets a cookie (e.g. a CSRF token) is specific to this visitor: not cached
            if response.status_code == 200 and not response.cookies:
                cache.set(key, (response.content, response["Content-Type"]), timeout)
            return response

        return wrapper

    return decorator(view) if view is not None else decorator
