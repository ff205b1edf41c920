"""Issue 12 (1, 5): login lockout per username + real client address, in both proxy layouts.

The unit tests drive the Django test client with the META a proxy produces; the deployed layout
(gunicorn on a unix socket, requests over the socket) is in tests/test_gunicorn_socket.py.
"""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "accounts:login"


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.TRUSTED_PROXY_IPS = ["127.0.0.1"]


def _fail(client, username, n, **meta):
    for _ in range(n):
        response = client.post(reverse(LOGIN), {"username": username, "password": "wrong-password"}, **meta)
        assert response.status_code in (200, 429)  # the failure that reaches the limit locks


def _login(client, username, **meta):
    return client.post(reverse(LOGIN), {"username": username, "password": TEST_PASSWORD}, **meta)


def test_unix_socket_layout_locks_the_attacker_by_the_forwarded_address(
    client, users, settings, behind_one_proxy
):
    # over the socket REMOTE_ADDR is empty; nginx appends the client's address to X-Forwarded-For
    attacker = {"REMOTE_ADDR": "", "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    _fail(client, "office1", settings.AXES_FAILURE_LIMIT, **attacker)
    response = _login(client, "office1", **attacker)
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="office1").ip_address == "203.0.113.7"


def test_unix_socket_layout_keeps_the_real_user_elsewhere_logged_in(
    client, users, settings, behind_one_proxy
):
    _fail(client, "office1", settings.AXES_FAILURE_LIMIT, REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="203.0.113.7")
    response = _login(client, "office1", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(users["office"].pk)


def test_tcp_proxy_layout_does_not_let_one_client_lock_out_another(client, users, settings, behind_one_proxy):
    # every request comes from the proxy's own address; the header tells the clients apart
    _fail(
        client,
        "office1",
        settings.AXES_FAILURE_LIMIT,
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert (
        _login(client, "office1", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code
        == 429
    )
    response = _login(client, "office1", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert response.status_code == 302


def test_a_forged_header_before_the_proxys_entry_is_not_believed(client, users, settings, behind_one_proxy):
    # the attacker sends his own X-Forwarded-For; nginx appends the real address after it
    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"):
        client.post(
            reverse(LOGIN),
            {"username": "office1", "password": "wrong-password"},
            REMOTE_ADDR="",
            HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.7",
        )
    response = _login(client, "office1", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert response.status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.7"]


def test_a_forged_header_from_an_untrusted_direct_client_is_ignored(
    client, users, settings, behind_one_proxy
):
    # a client reaching gunicorn directly (not the proxy's address) cannot pick its own address
    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"):
        client.post(
            reverse(LOGIN),
            {"username": "office1", "password": "wrong-password"},
            REMOTE_ADDR="192.0.2.50",
            HTTP_X_FORWARDED_FOR=forged,
        )
    assert (
        _login(client, "office1", REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR="9.9.9.9").status_code == 429
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["192.0.2.50"]


def test_without_a_configured_proxy_headers_are_ignored(client, users, settings):
    assert settings.TRUSTED_PROXY_COUNT == 0  # the embedded default: gunicorn is the front
    _fail(
        client,
        "office1",
        settings.AXES_FAILURE_LIMIT,
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="1.1.1.1",
    )
    assert (
        _login(client, "office1", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="8.8.8.8").status_code == 429
    )


def test_admin_reads_and_clears_the_lockout_log(client, users, settings, behind_one_proxy):
    _fail(client, "office1", settings.AXES_FAILURE_LIMIT, REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="203.0.113.7")
    attempt = AccessAttempt.objects.get(username="office1")
    admin = client.__class__()
    admin.force_login(users["admin"])
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "203.0.113.7" in listing.content.decode()
    response = admin.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert _login(client, "office1", REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 302


# --- 5. password change -------------------------------------------------------------------------


def test_wrong_old_passwords_lock_like_failed_logins_and_end_the_session(client, users, settings):
    office = users["office"]
    client.force_login(office)
    url = reverse("accounts:password_change")
    new = {"new_password1": "Brand-new#Passw0rd", "new_password2": "Brand-new#Passw0rd"}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"old_password": "guess-wrong", **new})
        assert response.status_code == 200
        assert "原密码不正确" in response.content.decode()
    response = client.post(url, {"old_password": "guess-wrong", **new})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    office.refresh_from_db()
    assert office.check_password(TEST_PASSWORD)  # nothing changed
    # the same lockout as logins: the right password no longer logs in from this address
    assert _login(client, "office1").status_code == 429
    # and the guesser cannot go on through another open session either
    other = client.__class__()
    other.force_login(office)
    response = other.post(url, {"old_password": TEST_PASSWORD, **new})
    assert response.status_code == 200
    assert "账户已暂时锁定" in response.content.decode()
    office.refresh_from_db()
    assert office.check_password(TEST_PASSWORD)


def test_failed_logins_count_toward_the_password_change_limit(client, users, settings):
    _fail(client, "office1", settings.AXES_FAILURE_LIMIT - 1)
    client.force_login(users["office"])
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "guess-wrong",
            "new_password1": "Brand-new#Passw0rd",
            "new_password2": "Brand-new#Passw0rd",
        },
    )
    assert response.status_code == 429


# --- 4. registration rate limit ------------------------------------------------------------------


def test_registration_and_username_probes_are_rate_limited_per_client(
    client, users, settings, behind_one_proxy
):
    from awards.models import Enterprise

    probe = {"username": "office1", "name": "x", "credit_code": "1"}
    for _ in range(10):
        response = client.post(
            reverse("awards:register"), probe, REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="203.0.113.7"
        )
        assert response.status_code == 200
        assert "该用户名已被使用" in response.content.decode()
    before = Enterprise.objects.count()
    response = client.post(
        reverse("awards:register"), probe, REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert response.status_code == 429
    body = response.content.decode()
    assert "操作过于频繁" in body and "该用户名已被使用" not in body
    assert Enterprise.objects.count() == before
    # another client is not affected
    other = client.post(
        reverse("awards:register"), probe, REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="198.51.100.20"
    )
    assert other.status_code == 200
