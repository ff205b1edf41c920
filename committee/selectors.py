"""Reads of the roster: who holds which seat on a given day, and who acts for a unit."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.models import User

from .models import Appointment, MemberUnit, Role, Seat, UnitContact


@dataclass
class RosterEntry:
    seat: Seat
    appointment: Appointment | None

    @property
    def person_name(self) -> str:
        return self.appointment.person_name if self.appointment else ""

    @property
    def start_date(self) -> dt.date | None:
        return self.appointment.start_date if self.appointment else None


def current_roster(on: dt.date | None = None) -> list[RosterEntry]:
    """Active seats in 附件1 order with the person holding each on ``on`` (two queries)."""
    on = on or timezone.localdate()
    seats = (
        Seat.objects.filter(active=True)
        .select_related("unit", "role")
        .prefetch_related(
            Prefetch("appointments", queryset=Appointment.objects.current(on), to_attr="current_terms")
        )
        .order_by("order", "id")
    )
    return [RosterEntry(seat, seat.current_terms[0] if seat.current_terms else None) for seat in seats]


def roster_groups(entries: list[RosterEntry]) -> list[tuple[str, list[RosterEntry]]]:
    """The roster by its roles' groups, in the order of 附件1 (leadership, members, office, liaison);
    a group without a seat is left out."""
    groups = [
        (label, [e for e in entries if e.seat.role.group == group]) for group, label in Role.Group.choices
    ]
    return [(label, found) for label, found in groups if found]


def current_holder(role: str, on: dt.date | None = None) -> Appointment | None:
    """The term in force for the first active seat of ``role`` (e.g. the office director)."""
    return (
        Appointment.objects.current(on)
        .filter(seat__role=role, seat__active=True)
        .select_related("seat__unit", "seat__role")
        .order_by("seat__order", "seat_id")
        .first()
    )


def seat_terms(seat: Seat) -> QuerySet[Appointment]:
    return seat.appointments.order_by("-start_date")


def term_changes(terms: Iterable[Appointment]) -> dict[int, list[Any]]:
    """The recorded changes (django-simple-history) of each term, oldest first, in one query."""
    changes: dict[int, list[Any]] = {}
    records = (
        Appointment.history.filter(id__in=[t.pk for t in terms])
        .select_related("history_user")
        .order_by("history_date")
    )
    for record in records:
        changes.setdefault(record.id, []).append(record)
    return changes


def unit_lookup() -> dict[str, MemberUnit]:
    """Units by name and by alias (the spellings the policy uses)."""
    lookup = {}
    for unit in MemberUnit.objects.all():
        lookup[unit.name] = unit
        for alias in unit.aliases or []:
            lookup.setdefault(alias, unit)
    return lookup


def unit_users(unit_ids: Iterable[int]) -> list[User]:
    """Active member-unit users acting for any of ``unit_ids``."""
    return list(
        User.objects.filter(role=User.Role.UNIT, member_unit_id__in=list(unit_ids), is_active=True).order_by(
            "id"
        )
    )


@dataclass
class UnitLeader:
    """The unit's 主要负责人 as the roster has them (its member seat), with how to reach them."""

    unit_id: int
    name: str
    title: str
    contact: UnitContact | None  # the unit's contact of the same name: phone, mobile, e-mail
    accounts: list[User]  # the unit's own active accounts of the same name: whom the platform tells

    @property
    def contact_text(self) -> str:
        c = self.contact
        if c is None:
            return ""
        return "，".join(v for v in (c.mobile, c.phone, c.email) if v)


def unit_leaders(unit_ids: Iterable[int], on: dt.date | None = None) -> dict[int, UnitLeader]:
    """For each unit, the person holding its member seat on ``on`` (附件1: the unit's 主要负责人),
    the contact and the accounts of the same name in that unit (three queries whatever the units)."""
    unit_ids = set(unit_ids)
    if not unit_ids:
        return {}
    terms = (
        Appointment.objects.current(on or timezone.localdate())
        .filter(seat__role__group=Role.Group.MEMBER, seat__active=True, seat__unit_id__in=unit_ids)
        .exclude(person_name="")
        .select_related("seat")
        .order_by("seat__order", "seat_id", "-start_date")
    )
    leaders: dict[int, UnitLeader] = {}
    for term in terms:
        if term.seat.unit_id not in leaders:
            leaders[term.seat.unit_id] = UnitLeader(
                term.seat.unit_id, term.person_name, term.seat.title, None, []
            )
    if not leaders:
        return {}
    names = {leader.name for leader in leaders.values()}
    for contact in UnitContact.objects.filter(unit_id__in=leaders, name__in=names).order_by("order", "id"):
        leader = leaders[contact.unit_id]
        if leader.contact is None and contact.name == leader.name:
            leader.contact = contact
    for user in User.objects.filter(
        member_unit_id__in=leaders, full_name__in=names, is_active=True, role=User.Role.UNIT
    ).order_by("id"):
        assert user.member_unit_id is not None  # filtered on member_unit_id__in
        leader = leaders[user.member_unit_id]
        if user.full_name == leader.name:
            leader.accounts.append(user)
    return leaders
