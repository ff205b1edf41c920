"""The system administration site: its index builds the app list once; pages with the nav sidebar
still list every app."""

import pytest
from django.urls import reverse

from core.admin_site import PlatformAdminSite

pytestmark = pytest.mark.django_db


@pytest.fixture
def app_list_calls(monkeypatch):
    calls = []
    original = PlatformAdminSite.get_app_list

    def counted(self, request, app_label=None):
        calls.append(app_label)
        return original(self, request, app_label)

    monkeypatch.setattr(PlatformAdminSite, "get_app_list", counted)
    return calls


def test_index_builds_the_app_list_once_and_shows_every_app(client, users, app_list_calls):
    client.force_login(users["admin"])
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    assert app_list_calls == [None]
    html = page.content.decode()
    for app in ("awards", "targets", "meetings", "committee"):
        assert f'class="app-{app} module' in html


def test_a_changelist_still_has_its_sidebar_with_every_app(client, users, app_list_calls):
    client.force_login(users["admin"])
    page = client.get(reverse("admin:awards_fundingsource_changelist"))
    assert page.status_code == 200
    assert app_list_calls == [None]  # the sidebar's list, built when the sidebar is drawn
    html = page.content.decode()
    sidebar = html[html.index('id="nav-sidebar"') :]
    for app in ("awards", "targets", "meetings", "committee"):
        assert f'class="app-{app} module' in sidebar
    assert "current-model" in sidebar


def test_index_refuses_a_user_without_the_admin_role(client, users):
    client.force_login(users["office"])
    page = client.get(reverse("admin:index"))
    assert page.status_code == 302


@pytest.mark.parametrize("path", ["/admin/", "/admin/awards/", "/admin/awards/enterprise/"])
def test_the_index_app_list_is_the_markup_of_djangos_template(rf, users, path):
    """The Python app list of the index against Django's own admin/app_list.html for the same apps:
    equal as HTML (whitespace and attribute order aside), the current app and model marked alike."""
    from django.contrib import admin
    from django.template.loader import render_to_string
    from django.test.html import parse_html

    from core.admin_site import app_list_html

    request = rf.get(path)
    request.user = users["admin"]
    apps = admin.site.get_app_list(request)
    assert sum(len(app["models"]) for app in apps) > 20
    # one model without add rights and one view-only, as the admin lists them for a limited user
    apps[0]["models"][0]["add_url"] = None
    apps[0]["models"][0]["view_only"] = True
    apps[0]["name"] = "A & <B>"
    django_html = render_to_string(
        "admin/app_list.html", {"app_list": apps, "show_changelinks": True, "request": request}
    )
    ours = app_list_html(apps, request.path)
    assert parse_html(ours) == parse_html(django_html)
    assert ("current-app" in ours) is (path != "/admin/")
    nothing = render_to_string("admin/app_list.html", {"app_list": [], "request": request})
    assert parse_html(app_list_html([], request.path)) == parse_html(nothing)


def test_the_index_shows_the_python_app_list(client, users):
    client.force_login(users["admin"])
    html = client.get(reverse("admin:index")).content.decode()
    assert html.count('<div class="app-') == len(
        {m.split('"')[0] for m in html.split('<div class="app-')[1:]}
    )  # each app once
    assert 'href="/admin/awards/enterprise/add/" class="addlink"' in html
    assert "Recent actions" in html or "最近动作" in html  # Django's sidebar block kept
