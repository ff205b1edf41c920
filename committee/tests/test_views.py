import pytest
from django.urls import reverse

from committee.models import MemberUnit, Seat, UnitContact

from .factories import UnitContactFactory, seat

pytestmark = pytest.mark.django_db

READ_PAGES = [
    "committee:roster",
    "committee:unit_list",
    "committee:roster_export_xlsx",
    "committee:roster_export_docx",
]


def _director():
    return seat("office_director", "市市场监管局")


@pytest.mark.parametrize("name", READ_PAGES)
@pytest.mark.parametrize(
    "role,status",
    [("office", 200), ("approver", 200), ("unit_a", 200), ("enterprise_a", 403), ("admin", 403)],
)
def test_roster_is_for_the_office_and_member_units(client, users, name, role, status):
    client.force_login(users[role])
    assert client.get(reverse(name)).status_code == status


@pytest.mark.parametrize("name", READ_PAGES)
def test_anonymous_is_sent_to_login(client, policy, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_detail_pages_are_readable_by_units(client, users):
    client.force_login(users["unit_b"])
    unit = MemberUnit.objects.get(name="市农业农村局")
    assert client.get(reverse("committee:unit_detail", args=[unit.pk])).status_code == 200
    response = client.get(reverse("committee:seat_detail", args=[_director().pk]))
    assert response.status_code == 200
    assert "确认人事变动" not in response.content.decode()


def test_roster_page_mirrors_annex_1(client, users, django_assert_max_num_queries):
    client.force_login(users["unit_a"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("committee:roster"))
    body = response.content.decode()
    assert body.index("聂良平") < body.index("柏妍") < body.index("薛琦华") < body.index("蔡思")
    assert "市公共检验检测中心主任" in body and "（未载明）" in body
    assert "新增席位" not in body  # read-only for units


def test_office_replaces_a_person_in_one_action(client, users):
    client.force_login(users["office"])
    director = _director()
    response = client.post(
        reverse("committee:seat_replace", args=[director.pk]),
        {"person_name": "张 新", "start_date": "2025-03-01", "note": ""},
        follow=True,
    )
    assert "已完成人事变动" in response.content.decode()
    assert director.appointments.get(end_date__isnull=True).person_name == "张新"


def test_overlapping_term_is_refused_in_chinese_and_nothing_changes(client, users):
    client.force_login(users["office"])
    director = _director()
    response = client.post(
        reverse("committee:seat_replace", args=[director.pk]),
        {"person_name": "张新", "start_date": "2021-01-01"},
        follow=True,
    )
    assert "任期重叠" in response.content.decode()
    assert director.appointments.count() == 1


@pytest.mark.parametrize("role", ["unit_a", "enterprise_a"])
def test_non_office_users_cannot_edit_the_roster(client, users, role):
    client.force_login(users[role])
    director = _director()
    unit = MemberUnit.objects.get(name="容城镇")
    posts = [
        (
            reverse("committee:seat_replace", args=[director.pk]),
            {"person_name": "x", "start_date": "2025-03-01"},
        ),
        (reverse("committee:seat_retire", args=[director.pk]), {"end_date": "2025-03-01"}),
        (reverse("committee:seat_create"), {}),
        (reverse("committee:roster_import"), {}),
        (reverse("committee:roster_import_confirm"), {}),
        (reverse("committee:contact_create", args=[unit.pk]), {"name": "x"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert director.appointments.count() == 1
    assert not UnitContact.objects.exists()


def test_office_adds_a_seat_from_the_page(client, users):
    client.force_login(users["office"])
    unit = MemberUnit.objects.get(name="市商务局")
    assert client.get(reverse("committee:seat_create")).status_code == 200
    response = client.post(
        reverse("committee:seat_create"),
        {
            "role": "member",
            "unit": unit.pk,
            "title": "副局长",
            "order": 205,
            "person_name": "周某",
            "start_date": "2025-01-01",
        },
    )
    assert response.status_code == 302
    assert Seat.objects.get(unit=unit, title="副局长").appointments.get().person_name == "周某"
    response = client.post(
        reverse("committee:seat_create"),
        {"role": "member", "unit": unit.pk, "title": "副局长", "order": 1, "start_date": "2025-01-01"},
    )
    assert "已存在" in response.content.decode()


def test_office_retires_a_seat(client, users):
    client.force_login(users["office"])
    member = seat("member", "市公共检验检测中心")
    response = client.post(reverse("committee:seat_retire", args=[member.pk]), {"end_date": "2025-01-31"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.active
    bad = client.post(reverse("committee:seat_retire", args=[member.pk]), {"end_date": "2025-01-31"})
    assert bad.status_code == 404  # already retired


def test_unit_page_lists_contacts_and_the_users_acting_for_it(client, users):
    unit = users["unit_a"].member_unit
    UnitContactFactory(unit=unit, name="刘联络", is_primary=True)
    client.force_login(users["unit_b"])
    body = client.get(reverse("committee:unit_detail", args=[unit.pk])).content.decode()
    assert "刘联络" in body and "主要联络员" in body
    assert users["unit_a"].display_name in body
    assert users["unit_a"].username not in body  # account names only for the office
    client.force_login(users["office"])
    assert (
        users["unit_a"].username
        in client.get(reverse("committee:unit_detail", args=[unit.pk])).content.decode()
    )


def test_office_edits_contacts(client, users):
    client.force_login(users["office"])
    unit = MemberUnit.objects.get(name="容城镇")
    url = reverse("committee:contact_create", args=[unit.pk])
    assert client.get(url).status_code == 200
    assert (
        client.post(url, {"name": "陈联络", "mobile": "13800001111", "is_primary": "on"}).status_code == 302
    )
    contact = UnitContact.objects.get(unit=unit)
    response = client.post(
        reverse("committee:contact_update", args=[unit.pk, contact.pk]), {"name": "陈联络", "mobile": "12345"}
    )
    assert "11 位手机号码" in response.content.decode()
    contact.refresh_from_db()
    assert contact.mobile == "13800001111"
    client.post(reverse("committee:contact_delete", args=[unit.pk, contact.pk]))
    assert not UnitContact.objects.filter(pk=contact.pk).exists()


def test_contact_of_another_unit_is_not_found(client, users):
    client.force_login(users["office"])
    contact = UnitContactFactory(unit=MemberUnit.objects.get(name="容城镇"))
    other = MemberUnit.objects.get(name="市农业农村局")
    assert client.get(reverse("committee:contact_update", args=[other.pk, contact.pk])).status_code == 404


def test_unit_list_query_count_does_not_grow(client, users, django_assert_max_num_queries):
    client.force_login(users["office"])
    for unit in MemberUnit.objects.all()[:20]:
        UnitContactFactory(unit=unit, is_primary=True)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("committee:unit_list"))
    assert response.status_code == 200
    assert client.get(reverse("committee:unit_list"), {"kind": "township"}).status_code == 200


def test_seat_history_page_shows_all_terms(client, users):
    client.force_login(users["office"])
    director = _director()
    client.post(
        reverse("committee:seat_replace", args=[director.pk]),
        {"person_name": "张新", "start_date": "2025-03-01"},
    )
    body = client.get(reverse("committee:seat_detail", args=[director.pk])).content.decode()
    assert "瞿建民" in body and "张新" in body and "2025-02-28" in body
    assert "办公室甲录入" in body and "办公室甲修改" in body  # who recorded the change (history)


def test_unit_list_filters_by_kind_membership_and_name_and_sorts(
    client, users, django_assert_max_num_queries
):
    client.force_login(users["office"])
    names = lambda r: [u.name for u in r.context["units"]]  # noqa: E731
    towns = client.get(reverse("committee:unit_list"), {"kind": "township"})
    assert names(towns) and set(
        MemberUnit.objects.filter(name__in=names(towns)).values_list("kind", flat=True)
    ) == {"township"}
    assert names(client.get(reverse("committee:unit_list"), {"q": "农业农村"})) == ["市农业农村局"]
    members = names(client.get(reverse("committee:unit_list"), {"member": "no"}))
    assert "市农业农村局" not in members
    by_order = names(client.get(reverse("committee:unit_list")))
    assert names(client.get(reverse("committee:unit_list"), {"o": "-name"})) == by_order[::-1]
    with django_assert_max_num_queries(10):
        body = client.get(reverse("committee:unit_list"), {"o": "-contacts", "q": "局"}).content.decode()
    assert "联系人 ▼" in body
