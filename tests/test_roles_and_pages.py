import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["core:home", "core:policy", "core:reward_schedule", "accounts:login"]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_are_open_and_chinese(client, policy, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "监利市质量品牌工作平台" in response.content.decode()


def test_public_home_shows_the_reward_schedule(client, policy):
    body = client.get(reverse("core:home")).content.decode()
    assert "中国质量奖" in body and "200 万元" in body


@pytest.mark.parametrize("name", ["core:workbench", "core:health"])
def test_anonymous_is_sent_to_login(client, policy, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["enterprise_a", "unit_a", "office", "approver", "admin"])
def test_each_role_logs_in_and_reaches_its_workbench(client, users, role):
    user = users[role]
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:workbench")
    page = client.get(reverse("core:workbench"))
    assert page.status_code == 200
    assert user.get_role_display() in page.content.decode()


def test_wrong_password_is_refused_in_chinese(client, users):
    response = client.post(reverse("accounts:login"), {"username": "office1", "password": "wrong-password"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_is_locked_after_repeated_failures(client, users, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "office1", "password": "wrong-password"})
    response = client.post(reverse("accounts:login"), {"username": "office1", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", ["enterprise_a", "unit_a"])
def test_non_office_roles_get_403_on_office_pages(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse("core:health")).status_code == 403


@pytest.mark.parametrize("role,status", [("office", 302), ("approver", 302), ("unit_a", 302), ("admin", 200)])
def test_django_admin_is_for_the_admin_role_only(client, users, role, status):
    users[role].is_staff = True
    users[role].save()
    client.force_login(users[role])
    response = client.get("/admin/")
    assert response.status_code == status


def test_password_change_uses_the_validators(client, users):
    client.force_login(users["office"])
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    users["office"].refresh_from_db()
    assert users["office"].check_password(TEST_PASSWORD)


def test_office_can_request_a_health_check(client, users, django_capture_on_commit_callbacks):
    client.force_login(users["office"])
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("core:health_check"))
    assert response.status_code == 302
    from core.models import WorkerHeartbeat

    assert WorkerHeartbeat.objects.get(name="health").requested_at is not None


def test_createsuperuser_makes_an_admin_who_can_open_the_admin(client, policy):
    from django.core.management import call_command

    from accounts.models import User

    call_command(
        "createsuperuser", username="it_admin", email="it@jianli.local", interactive=False, verbosity=0
    )
    user = User.objects.get(username="it_admin")
    assert user.role == User.Role.ADMIN
    client.force_login(user)
    assert client.get("/admin/").status_code == 200


def test_login_page_says_enterprises_register_first_with_a_link(client, policy):
    """Issue 19 point 11: registration is public and comes before the first login."""
    body = client.get(reverse("accounts:login")).content.decode()
    assert "先" in body and reverse("awards:register") in body
    assert "登录后按提示注册" not in body
