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
