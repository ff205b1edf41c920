"""The office's audit-trail page: who changed what, when, from what to what."""

import pytest
from django.urls import reverse

from awards.models import RewardItem
from core.history import save_with_history
from targets.models import Target

pytestmark = pytest.mark.django_db


def _url(obj):
    return reverse("core:object_history", args=[obj._meta.label_lower, obj.pk])


def test_office_sees_who_changed_a_reward_amount_from_what_to_what(client, users):
    item = RewardItem.objects.get(code="geographical_indication")
    item.amount_yuan = 120_000
    save_with_history(item, users["approver"])
    client.force_login(users["office"])
    body = client.get(_url(item)).content.decode()
    assert "瞿建民" in body
    assert "奖励金额（元）" in body and "100000" in body and "120000" in body


@pytest.mark.parametrize("role,status", [("unit_a", 403), ("enterprise_a", 403), ("admin", 403)])
def test_history_is_for_the_office_only(client, users, role, status):
    target = Target.objects.first()
    client.force_login(users[role])
    assert client.get(_url(target)).status_code == status


def test_anonymous_is_sent_to_login(client, policy):
    response = client.get(_url(Target.objects.first()))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_models_outside_the_audited_list_are_404(client, users):
    client.force_login(users["office"])
    assert (
        client.get(reverse("core:object_history", args=["accounts.user", users["office"].pk])).status_code
        == 404
    )
    assert client.get(reverse("core:object_history", args=["targets.target", 999999])).status_code == 404


def test_history_page_queries_are_bounded(client, users, django_assert_max_num_queries):
    item = RewardItem.objects.get(code="scenic_3a")
    for amount in range(200_001, 200_031):
        item.amount_yuan = amount
        item.save()
    client.force_login(users["office"])
    with django_assert_max_num_queries(12):
        assert client.get(_url(item)).status_code == 200


def test_history_names_people_and_linked_objects_and_uses_local_time(client, users):
    """Issue 19 point 3: "初审人 → 瞿建民", not "初审人 → 1"; time in Asia/Shanghai."""
    import datetime as dt

    import time_machine

    from awards.models import Application
    from awards.tests.factories import ApplicationFactory

    app = ApplicationFactory(enterprise=users["enterprise_a"].enterprise)
    with time_machine.travel(dt.datetime(2030, 1, 1, 18, 30, tzinfo=dt.UTC), tick=False):
        app.first_reviewed_by = users["approver"]
        app.save()
    client.force_login(users["office"])
    body = client.get(_url(Application.objects.get(pk=app.pk))).content.decode()
    field_label = str(Application._meta.get_field("first_reviewed_by").verbose_name)
    assert field_label in body and "瞿建民" in body
    assert f"<td>{users['approver'].pk}</td>" not in body
    assert "2030-01-02 02:30" in body  # 18:30 UTC is 02:30 the next day in Shanghai
