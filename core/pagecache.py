"""Whole-page cache for logged-in users, invalidated by the tables each page read.

A logged-in GET page is rendered once and served from the cache until any table it read is written.

Every SQL statement goes through ``track_statement``, a database execute wrapper installed on each
connection:
- A write (INSERT/UPDATE/DELETE …) bumps a *generation* counter per table it names. The bump is
  made again after the transaction commits, so a reader that rendered a page between the write and
  the commit never keeps stale data.
- A read made while a page renders records the tables it names.

A cached entry holds the page, the tables it read and their generations taken *before* rendering.
It is served only while all of those generations are unchanged. Nothing is cached on the first
render of a view: that render learns which tables the view reads, so later renders can take the
generations first.

The key is built from:
- the user and the fields that decide what they may see (role, enterprise, unit, active, password
  hash);
- the session, its contents (a view may show what an earlier step left there, e.g. an import
  preview) and the CSRF cookie (the page embeds a CSRF token for that cookie);
- the full path with its query string;
- today's date (pages say 逾期/今日截止);
- the language.

A request is always rendered fresh, and its response never stored, when:
- a message is waiting to be shown;
- the method is not GET or the user is not logged in;
- the response is not a 200 ``text/html`` page or sets a cookie (other than the unchanged CSRF
  cookie), or the request itself wrote to the database.

``Cache-Control: no-store`` (the admin's ``never_cache``) is for browsers and proxies: such a page is
kept here all the same, since it is only ever served to the same session and never when stale, and
its ``Cache-Control`` header is sent again with every cached copy.

``PAGE_CACHE_SECONDS`` bounds an entry's life (0 switches the cache off): it covers writes made
outside Django (a restore, psql by hand). Any cache error falls back to rendering the page.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from functools import lru_cache

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpResponse
from django.utils import timezone, translation

from .middleware import REFRESHED_KEY

logger = logging.getLogger(__name__)

GEN_PREFIX = "pagecache:gen:"
PAGE_PREFIX = "pagecache:page:"
VIEW_TABLES_PREFIX = "pagecache:tables:"
HEADER = "X-Page-Cache"
# what a view may set on a page that the browser must get again on a cached copy (the admin's
# never_cache headers, for one); the security headers come from the middleware each time
REPLAYED_HEADERS = ("Content-Type", "Cache-Control", "Expires", "Content-Language")

# read by the session middleware on every request (its validity is checked there) and written on
# every session refresh: never a reason to re-render a page
IGNORED_TABLES = frozenset({"django_session"})
_READ_PREFIXES = (
    "SELECT",
    "SAVEPOINT",
    "RELEASE",
    "ROLLBACK",
    "BEGIN",
    "COMMIT",
    "PRAGMA",
    "SET",
    "SHOW",
    "EXPLAIN",
)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_local = threading.local()


def enabled() -> bool:
    return getattr(settings, "PAGE_CACHE_SECONDS", 0) > 0


@lru_cache(maxsize=1)
def _all_tables() -> frozenset[str]:
    names = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    return frozenset(names - IGNORED_TABLES)


@lru_cache(maxsize=4096)
def tables_in(sql: str) -> frozenset[str]:
    """The project's tables a statement names (quoted or not); an over-estimate is harmless."""
    known = _all_tables()
    return frozenset(word for word in _WORD.findall(sql) if word in known)


def _is_write(sql: str) -> bool:
    return not sql.lstrip()[:10].upper().startswith(_READ_PREFIXES)


# --- generations ------------------------------------------------------------------------------


def bump(tables) -> None:
    """A new generation for each table. A missing counter starts from the clock, never from a value
    an old entry could hold."""
    for table in tables:
        key = GEN_PREFIX + table
        try:
            try:
                cache.incr(key)
            except ValueError:
                if not cache.add(key, time.time_ns(), None):
                    cache.incr(key)
        except Exception:  # the cache being down must not fail a write; entries expire on their own
            logger.warning("page cache: could not bump the generation of %s", table, exc_info=True)


def generations(tables) -> dict[str, int]:
    tables = sorted(tables)
    if not tables:
        return {}
    found = cache.get_many([GEN_PREFIX + t for t in tables])
    out = {}
    for table in tables:
        key = GEN_PREFIX + table
        if key not in found:
            cache.add(key, time.time_ns(), None)
            found[key] = cache.get(key)
        out[table] = found[key]
    return out


# --- the execute wrapper ----------------------------------------------------------------------


class _ConnectionState:
    def __init__(self, connection):
        self.connection = connection
        self.bumped_in_transaction: set[str] = set()  # bumped once already: enough until the next page
        self.pending: set[str] = set()  # bumped again when the transaction commits
        self.flush = self._flush  # one bound method, so that it can be found among the callbacks

    def _flush(self) -> None:
        tables, self.pending = self.pending, set()
        bump(tables)

    def flush_registered(self) -> bool:
        # not a flag: a rolled-back transaction drops its callbacks without telling anyone
        return any(entry[1] is self.flush for entry in reversed(self.connection.run_on_commit))


def _state(connection) -> _ConnectionState:
    state = getattr(connection, "_page_cache_state", None)
    if state is None:
        state = connection._page_cache_state = _ConnectionState(connection)
    return state


def track_statement(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if not enabled():
        return result
    tables = tables_in(sql)
    if not tables:
        return result
    if _is_write(sql):
        _on_write(context["connection"], tables)
    else:
        collector = getattr(_local, "reads", None)
        if collector is not None:
            collector |= tables
    return result


def _on_write(connection, tables: frozenset[str]) -> None:
    marker = getattr(_local, "wrote", None)
    if marker is not None:
        _local.wrote = True
    state = _state(connection)
    if not connection.in_atomic_block:
        bump(tables)  # autocommit: already committed
        return
    # inside a transaction: bump now (a page rendered later in the same transaction, as in tests,
    # sees the change) and again after the commit (a page rendered by another process before the
    # commit must not stay cached)
    new = tables - state.bumped_in_transaction
    if new:
        bump(new)
        state.bumped_in_transaction |= new
    state.pending |= tables
    if not state.flush_registered():
        connection.on_commit(state.flush)


def install(connection, **kwargs) -> None:
    """``connection_created`` receiver: add the wrapper once per connection object."""
    if track_statement not in connection.execute_wrappers:
        connection.execute_wrappers.append(track_statement)


def install_on_open_connections() -> None:
    for connection in connections.all(initialized_only=True):
        install(connection)


def _new_page() -> None:
    """A page request starts: writes after this point must bump again."""
    for connection in connections.all(initialized_only=True):
        state = getattr(connection, "_page_cache_state", None)
        if state is not None:
            state.bumped_in_transaction.clear()


# --- the middleware ---------------------------------------------------------------------------


def _messages_waiting(request) -> bool:
    if "messages" in request.COOKIES:
        return True
    session = getattr(request, "session", None)
    return session is not None and "_messages" in session


def _session_digest(session) -> str:
    data = {k: v for k, v in session.items() if k != REFRESHED_KEY}
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _page_key(request) -> str:
    user = request.user
    parts = [
        str(user.pk),
        user.role,
        str(user.enterprise_id),
        str(user.member_unit_id),
        str(user.is_active),
        str(user.is_superuser),
        user.password,
        request.session.session_key or "",
        _session_digest(request.session),
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        request.get_full_path(),
        timezone.localdate().isoformat(),
        translation.get_language() or "",
    ]
    return PAGE_PREFIX + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _view_key(request) -> str:
    match = request.resolver_match
    name = match.view_name if match else request.path
    return VIEW_TABLES_PREFIX + name


def _sets_new_cookie(request, response) -> bool:
    """A cookie other than the CSRF cookie sent back unchanged (``csrf_protect`` renews its expiry on
    every page with a form; the page's token is for that same secret)."""
    name = settings.CSRF_COOKIE_NAME
    for cookie in response.cookies.values():
        if cookie.key != name or cookie.value != request.COOKIES.get(name):
            return True
    return False


def _cacheable_response(request, response) -> bool:
    if response.status_code != 200 or getattr(response, "streaming", False):
        return False
    if _sets_new_cookie(request, response):
        return False
    return response.get("Content-Type", "").startswith("text/html")


class PageCacheMiddleware:
    """Serve and store logged-in pages; see the module docstring. Last in MIDDLEWARE, so the security,
    session-refresh and message middleware run for cached pages too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _new_page()
        request._page_cache = None
        response = self.get_response(request)
        plan = request._page_cache
        if plan is None:
            return response
        _local.reads = None
        wrote, _local.wrote = _local.wrote, None
        key, view_key, before, reads = plan["key"], plan["view_key"], plan["before"], plan["reads"]
        try:
            if (
                before is not None
                and not wrote
                and _cacheable_response(request, response)
                and reads <= set(before)
            ):
                headers = {h: response[h] for h in REPLAYED_HEADERS if h in response}
                cache.set(key, (before, response.content, headers), settings.PAGE_CACHE_SECONDS)
                response[HEADER] = "store"
            elif before is None or not reads <= set(before):
                known = set(before or ())
                cache.set(view_key, sorted(known | reads), None)
        except Exception:
            logger.warning("page cache: could not store %s", request.path, exc_info=True)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not enabled() or request.method != "GET" or getattr(view_func, "page_cache_exempt", False):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or _messages_waiting(request):
            return None
        try:
            key, view_key = _page_key(request), _view_key(request)
            entry = cache.get(key)
            if entry is not None:
                gens, content, headers = entry
                if generations(gens) == gens:
                    response = HttpResponse(content, headers=headers)
                    response[HEADER] = "hit"
                    return response
                tables = gens.keys()
            else:
                tables = cache.get(view_key)
            before = generations(tables) if tables is not None else None
        except Exception:
            logger.warning("page cache: unavailable for %s", request.path, exc_info=True)
            return None
        request._page_cache = {"key": key, "view_key": view_key, "before": before, "reads": set()}
        _local.reads = request._page_cache["reads"]
        _local.wrote = False
        return None


def page_cache_exempt(view):
    """Never serve or store this view from the page cache."""
    view.page_cache_exempt = True
    return view
