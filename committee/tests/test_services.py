import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from committee import services
from committee.models import Appointment, MemberUnit, Seat, UnitContact
from committee.selectors import current_holder, current_roster
from core.errors import ServiceError

from .factories import UnitContactFactory, seat

pytestmark = pytest.mark.django_db

START = dt.date(2022, 1, 6)


def test_replacing_a_person_ends_the_old_term_the_day_before_and_keeps_history(users):
    director = seat("office_director", "市市场监管局")
    old = director.appointments.get(end_date__isnull=True)
    new = services.appointment_replace(
        seat=director,
        person_name="张新",
        start_date=dt.date(2025, 3, 1),
        by=users["office"],
        note="监任〔2025〕1号",
    )
    old.refresh_from_db()
    assert old.person_name == "瞿建民" and old.end_date == dt.date(2025, 2, 28)
    assert new.end_date is None and new.start_date == dt.date(2025, 3, 1) and new.note == "监任〔2025〕1号"
    assert list(director.appointments.order_by("start_date").values_list("person_name", flat=True)) == [
        "瞿建民",
        "张新",
    ]
    assert old.history.latest().history_user == users["office"]
    assert new.history.latest().history_user == users["office"]


def test_roster_shows_the_person_in_office_on_each_day(users):
    director = seat("office_director", "市市场监管局")
    services.appointment_replace(seat=director, person_name="张新", start_date=dt.date(2025, 3, 1))
    assert current_holder("office_director", on=dt.date(2025, 2, 28)).person_name == "瞿建民"
    assert current_holder("office_director", on=dt.date(2025, 3, 1)).person_name == "张新"


def test_a_new_term_starting_before_the_current_one_is_refused_and_nothing_changes(users):
    director = seat("office_director", "市市场监管局")
    before = list(director.appointments.values_list("person_name", "start_date", "end_date"))
    with pytest.raises(ServiceError, match="任期重叠") as refused:
        services.appointment_replace(seat=director, person_name="张新", start_date=START)
    assert refused.value.code == "overlap"
    with pytest.raises(ServiceError, match="任期重叠") as refused:
        services.appointment_replace(seat=director, person_name="张新", start_date=dt.date(2021, 1, 1))
    assert refused.value.code == "overlap"
    assert list(director.appointments.values_list("person_name", "start_date", "end_date")) == before


def test_a_new_term_overlapping_a_closed_term_is_refused(users):
    deputy = seat("office_deputy", "市市场监管局")
    Appointment.objects.filter(seat=deputy).update(end_date=dt.date(2024, 12, 31))  # the seat is vacant
    with pytest.raises(ServiceError, match="任期重叠") as refused:
        services.appointment_replace(seat=deputy, person_name="李新", start_date=dt.date(2024, 6, 1))
    assert refused.value.code == "overlap"
    assert deputy.appointments.count() == 1
    services.appointment_replace(seat=deputy, person_name="李新", start_date=dt.date(2025, 1, 1))
    assert deputy.appointments.count() == 2


def test_replacing_someone_with_themselves_is_refused(users):
    director = seat("office_director", "市市场监管局")
    with pytest.raises(ServiceError, match="已是该席位的现任人员") as refused:
        services.appointment_replace(seat=director, person_name="瞿建民", start_date=dt.date(2025, 1, 1))
    assert refused.value.code == "same_person"


def test_the_database_refuses_two_current_holders_of_one_seat(users):
    director = seat("office_director", "市市场监管局")
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(seat=director, person_name="第二人", start_date=dt.date(2025, 1, 1))


def test_seat_create_adds_a_position_with_its_first_holder(users):
    unit = MemberUnit.objects.get(name="市农业农村局")
    new = services.seat_create(
        role="member",
        unit=unit,
        title="副局长",
        order=195,
        person_name="王某",
        start_date=dt.date(2025, 1, 1),
        by=users["office"],
    )
    assert new.appointments.get().person_name == "王某"
    with pytest.raises(ServiceError, match="已存在") as refused:
        services.seat_create(
            role="member",
            unit=unit,
            title="副局长",
            order=1,
            person_name="x",
            start_date=dt.date(2025, 1, 1),
        )
    assert refused.value.code == "duplicate"
    assert Seat.objects.filter(unit=unit, title="副局长").count() == 1


def test_retiring_a_seat_ends_its_term_and_removes_it_from_the_roster(users):
    member = seat("member", "市公共检验检测中心")
    services.seat_retire(seat=member, end_date=dt.date(2025, 1, 31), by=users["office"])
    member.refresh_from_db()
    assert not member.active
    assert member.appointments.get().end_date == dt.date(2025, 1, 31)
    assert member.pk not in {e.seat.pk for e in current_roster(dt.date(2025, 2, 1))}


def test_roster_follows_annex_1_order_in_two_queries(users, django_assert_num_queries):
    with django_assert_num_queries(2):
        entries = current_roster(dt.date(2025, 1, 1))
    assert entries[0].seat.role_id == "chair" and entries[0].person_name == "聂良平"
    assert entries[1].person_name == "柏妍"
    orders = [e.seat.order for e in entries]
    assert orders == sorted(orders)
    assert entries[-1].seat.role_id == "office_deputy"


def test_only_one_primary_contact_per_unit(users):
    unit = MemberUnit.objects.get(name="容城镇")
    first = UnitContactFactory(unit=unit, is_primary=True)
    second = services.unit_contact_save(
        unit=unit, data={"name": "新联络员", "is_primary": True, "mobile": "13911112222"}, by=users["office"]
    )
    first.refresh_from_db()
    assert not first.is_primary and second.is_primary
    assert UnitContact.objects.filter(unit=unit, is_primary=True).count() == 1
