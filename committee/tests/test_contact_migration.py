"""MemberUnit.contact_* moved into UnitContact (migration 0003), then dropped."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("committee", "0002_unit_contacts")]
AFTER = [("committee", "0003_unit_contact_fields_into_unitcontact")]


@pytest.fixture
def old_apps():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate_forward():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)


@pytest.mark.django_db(transaction=True)
def test_old_contact_fields_become_a_primary_contact_only_where_none_exists(old_apps):
    MemberUnit = old_apps.get_model("committee", "MemberUnit")
    UnitContact = old_apps.get_model("committee", "UnitContact")
    moved = MemberUnit.objects.create(
        name="迁移甲局", contact_person=" 李四 ", contact_phone="0716-3300000", contact_email="li@example.cn"
    )
    mobile = MemberUnit.objects.create(name="迁移乙局", contact_phone="13800000000")
    empty = MemberUnit.objects.create(name="迁移丙局")
    kept = MemberUnit.objects.create(name="迁移丁局", contact_person="旧联系人", contact_phone="0716-1")
    UnitContact.objects.create(unit=kept, name="现联络员", phone="0716-2", is_primary=True)
    listed = MemberUnit.objects.create(
        name="迁移戊局", contact_person="周八", contact_email="zhou@example.cn"
    )
    UnitContact.objects.create(unit=listed, name="周八", phone="0716-5", is_primary=False)

    migrate_forward()

    from committee.models import MemberUnit as NewMemberUnit
    from committee.models import UnitContact as NewUnitContact

    def contacts(unit):
        return list(
            NewUnitContact.objects.filter(unit_id=unit.pk)
            .order_by("pk")
            .values_list("name", "phone", "mobile", "email", "is_primary")
        )

    assert contacts(moved) == [("李四", "0716-3300000", "", "li@example.cn", True)]
    assert contacts(mobile) == [("联系人", "", "13800000000", "", True)]
    assert contacts(empty) == []
    # a unit that already has a primary contact keeps exactly it: the old fields add nobody
    assert contacts(kept) == [("现联络员", "0716-2", "", "", True)]
    # the same person already listed becomes primary, blank e-mail filled, number kept
    assert contacts(listed) == [("周八", "0716-5", "", "zhou@example.cn", True)]
    assert not {"contact_person", "contact_phone", "contact_email"} & {
        f.name for f in NewMemberUnit._meta.get_fields()
    }
