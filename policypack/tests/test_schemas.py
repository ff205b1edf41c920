"""The schemas are valid JSON Schema, agree with the models' choices, and are what the docs show."""

import json

import pytest
from jsonschema import Draft202012Validator

from committee.models import MemberUnit, Role
from policypack import schemadoc
from policypack.schema import SCHEMA_DIR
from policypack.sections import SECTIONS
from targets.models import Target, TargetOwner


def _schema(name):
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(p.name for p in SCHEMA_DIR.glob("*.json")))
def test_every_schema_is_valid_json_schema_and_used_by_a_section(name):
    Draft202012Validator.check_schema(_schema(name))
    assert name in {s.schema for s in SECTIONS}


def test_the_enums_are_the_models_choices():
    def choices(model, field):
        return [c for c, _ in model._meta.get_field(field).choices]

    units = _schema("member_units.json")["properties"]["member_units"]["items"]["properties"]
    assert units["kind"]["enum"] == choices(MemberUnit, "kind")
    roles = _schema("committee.json")["properties"]["roles"]["items"]["properties"]
    assert roles["group"]["enum"] == [c for c, _ in Role.Group.choices]
    targets = _schema("plan.json")["properties"]["targets"]["items"]["properties"]
    assert targets["kind"]["enum"] == choices(Target, "kind")
    # categories are the pack's own (target_categories, TargetCategory): a code, not a fixed list
    assert targets["category"]["type"] == "string" and "enum" not in targets["category"]
    assert targets["owners"]["items"]["properties"]["role"]["enum"] == choices(TargetOwner, "role")


def test_the_docs_show_the_schemas_fields():
    assert schemadoc.documented() == schemadoc.tables().strip("\n"), (
        "run .venv/bin/python -m policypack.schemadoc --write"
    )
