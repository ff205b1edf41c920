"""Plans, their targets and measures (data, not code: a 2026–2030 plan is added through pages),
and the final evaluation (终期评估) of a plan that is over."""

from django.db import transaction

from accounts.models import User
from committee.models import MemberUnit
from core.history import delete_with_history, save_with_history

from ..models import Measure, MeasureResponsibility, Plan, Target, TargetOwner


def plan_save(*, plan: Plan, by: User) -> Plan:
    """Create or update a plan; the plan marked current becomes the only current one."""
    with transaction.atomic():
        save_with_history(plan, by, clean=True)
        if plan.is_current:
            # race: two office staff marking different plans current; the last write wins, never two
            for other in Plan.objects.select_for_update().filter(is_current=True).exclude(pk=plan.pk):
                other.is_current = False
                save_with_history(other, by, clean=True)
    return plan


def target_save(
    *, target: Target, by: User, lead_units: list[MemberUnit], support_units: list[MemberUnit]
) -> Target:
    """Create or update a target with its owning units (牵头 and 配合); owners not listed are removed."""
    with transaction.atomic():
        save_with_history(target, by, clean=True)
        wanted = {u.pk: TargetOwner.Role.LEAD for u in lead_units}
        for unit in support_units:
            wanted.setdefault(unit.pk, TargetOwner.Role.SUPPORT)
        current = {o.unit_id: o for o in target.owners.all()}
        for unit_id, owner in current.items():
            if unit_id not in wanted:
                delete_with_history(owner, by)
        for unit_id, role in wanted.items():
            found = current.get(unit_id)
            if found is None:
                owner = TargetOwner(target=target, unit_id=unit_id, role=role, assumed=False)
            elif found.role == role:
                continue
            else:
                owner = found
            owner.role = role
            save_with_history(owner, by)
    return target


def measure_save(*, measure: Measure, by: User, units: list[MemberUnit]) -> Measure:
    """Create or update a measure with its responsible units, in the order given."""
    with transaction.atomic():
        save_with_history(measure, by, clean=True)
        current = {r.unit_id: r for r in measure.responsibilities.all()}
        wanted = [u.pk for u in units]
        for unit_id, row in current.items():
            if unit_id not in wanted:
                row.delete()
        for order, unit_id in enumerate(wanted, start=1):
            row = current.get(unit_id) or MeasureResponsibility(measure=measure, unit_id=unit_id)
            if row.pk and row.order == order:
                continue
            row.order = order
            row.save()
    return measure
