"""Load the policy (监政发〔2022〕1号) from the reviewable YAML files in ``fixtures/policy/``.

Idempotent and respectful of the office's edits: every object written is snapshotted in
``PolicyRecord``. On a later run an object whose current values differ from that snapshot has been
edited by the office and is left alone (and reported); an object still equal to its snapshot is
brought up to date with the files.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.conf import settings
from django.db import models, transaction

from awards.models import FundingPath, FundingSource, FundingStep, RewardItem
from committee.models import Appointment, MemberUnit, Seat
from meetings.models import BusinessKind, MeetingRule
from targets.models import Measure, MeasureResponsibility, Plan, QualitativeGoal, Target, TargetOwner

from .models import PolicyDocument, PolicyRecord


@dataclass
class LoadReport:
    counts: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    kept: list = field(default_factory=list)

    def add(self, model, outcome: str) -> None:
        self.counts[model._meta.verbose_name][outcome] += 1

    def lines(self) -> list[str]:
        names = {"created": "新增", "updated": "更新", "unchanged": "未变", "kept": "保留办公室修改"}
        out = []
        for model_name, outcomes in self.counts.items():
            parts = [f"{names[k]} {v}" for k, v in outcomes.items() if v]
            out.append(f"{model_name}：{'，'.join(parts)}")
        for item in self.kept:
            out.append(f"  保留办公室修改（未覆盖）：{item}")
        return out

    @property
    def changed(self) -> int:
        return sum(o["created"] + o["updated"] for o in self.counts.values())


def _plain(model, name: str, value):
    """A JSON-comparable form of a field value, independent of how it was given."""
    f = model._meta.get_field(name)
    if value is None:
        return None
    if isinstance(f, models.ForeignKey):
        # the value the column holds: the target's pk, or its code for a reference by code
        return getattr(value, f.target_field.attname) if isinstance(value, models.Model) else value
    if isinstance(f, models.DecimalField):
        return str(Decimal(str(value)).quantize(Decimal(1).scaleb(-f.decimal_places)))
    if isinstance(f, models.DateField):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return value


def _current(obj, names):
    model = type(obj)
    out = {}
    for name in names:
        f = model._meta.get_field(name)
        raw = getattr(obj, f.attname) if isinstance(f, models.ForeignKey) else getattr(obj, name)
        out[name] = _plain(model, name, raw)
    return out


def upsert(model, lookup: dict, values: dict, report: LoadReport):
    key = "|".join(str(_plain(model, k, v)) for k, v in sorted(lookup.items()))
    label = model._meta.label
    wanted = {k: _plain(model, k, v) for k, v in values.items()}
    obj = model.objects.filter(**lookup).first()
    record = PolicyRecord.objects.filter(model=label, key=key).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        PolicyRecord.objects.update_or_create(model=label, key=key, defaults={"values": wanted})
        report.add(model, "created")
        return obj
    current = _current(obj, values.keys())
    if current == wanted:
        if record is None or record.values != wanted:
            PolicyRecord.objects.update_or_create(model=label, key=key, defaults={"values": wanted})
        report.add(model, "unchanged")
        return obj
    snapshot = record.values if record else None
    if snapshot is None or any(current.get(k) != snapshot.get(k) for k in wanted):
        edited = [k for k in wanted if snapshot is None or current.get(k) != snapshot.get(k)]
        report.kept.append(f"{model._meta.verbose_name} {obj}（{'、'.join(edited)}）")
        report.add(model, "kept")
        return obj
    for k, v in values.items():
        setattr(obj, k, v)
    obj.save()
    record.values = wanted
    record.save()
    report.add(model, "updated")
    return obj


def read_yaml(name: str, base: Path | None = None) -> dict:
    path = (base or settings.POLICY_FIXTURES_DIR) / name
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


class UnitResolver:
    def __init__(self):
        self.by_name = {}
        for unit in MemberUnit.objects.all():
            self.by_name[unit.name] = unit
            for alias in unit.aliases or []:
                self.by_name.setdefault(alias, unit)

    def __call__(self, name: str) -> MemberUnit:
        try:
            return self.by_name[name]
        except KeyError:
            raise ValueError(f"政策数据引用了未知单位：{name}") from None


def load_units(data: dict, report: LoadReport) -> None:
    for row in data["member_units"]:
        upsert(
            MemberUnit,
            {"name": row["name"]},
            {
                "full_name": row.get("full_name", ""),
                "kind": row.get("kind", MemberUnit.Kind.BUREAU),
                "is_member": bool(row.get("is_member", True)),
                "aliases": list(row.get("aliases") or []),
                "order": row.get("order", 0),
            },
            report,
        )


def load_identity(data: dict, committee: dict, report: LoadReport) -> PolicyDocument:
    """The policy document (title, number, date) and 附件1's sentence on the office."""
    doc = data["document"]
    office = committee.get("committee") or {}
    return upsert(
        PolicyDocument,
        {"code": doc["code"]},
        {
            "title": doc["title"],
            "document_number": doc["document_number"],
            "issuer": doc.get("issuer", ""),
            "issued_on": doc.get("issued_on"),
            "office_name": office.get("office_name", ""),
            "office_unit": office.get("office_unit", ""),
            "office_text": office.get("office_text", ""),
        },
        report,
    )


def load_committee(data: dict, report: LoadReport) -> None:
    unit = UnitResolver()
    start = data["effective_from"]
    for row in data["seats"]:
        seat = upsert(
            Seat,
            {"role": row["role"], "unit": unit(row["unit"]), "title": row["title"]},
            {"order": row.get("order", 0)},
            report,
        )
        upsert(
            Appointment, {"seat": seat, "start_date": start}, {"person_name": row.get("person") or ""}, report
        )


def load_rewards(data: dict, report: LoadReport) -> None:
    effective = data["effective_from"]
    for row in data["reward_items"]:
        upsert(
            RewardItem,
            {"code": row["code"]},
            {
                "name": row["name"],
                "amount_yuan": int(row["amount_yuan"]),
                "funding_source": FundingSource.objects.get(code=row["funding_source"]),
                "provisional": bool(row.get("provisional", False)),
                "family": row.get("family") or row["code"],
                "is_nomination": bool(row.get("is_nomination", False)),
                "effective_from": row.get("effective_from", effective),
                "clause": row.get("clause", "三(二)"),
                "basis": row.get("basis", ""),
                "funding_note": row.get("funding_note", ""),
                "order": row.get("order", 0),
            },
            report,
        )


def load_funding(data: dict, report: LoadReport) -> None:
    """三(二)'s payers (funding sources), each with its ordered approval path."""
    for order, row in enumerate(data["funding_sources"], start=1):
        source = upsert(
            FundingSource,
            {"code": row["source"]},
            {"name": row.get("name") or row["payer"], "order": row.get("order", order)},
            report,
        )
        path = upsert(
            FundingPath,
            {"source": source},
            {
                "payer": row["payer"],
                "fund": row.get("fund") or "",
                "clause": row.get("clause", ""),
                "provisional": bool(row.get("provisional", False)),
            },
            report,
        )
        for order, step in enumerate(row["steps"], start=1):
            upsert(
                FundingStep,
                {"path": path, "order": order},
                {
                    "name": step["name"],
                    "actor": step["actor"],
                    "produces": step.get("produces") or "",
                    "receives": step.get("receives") or "",
                    "records": step.get("records") or "",
                },
                report,
            )


def load_plan(data: dict, report: LoadReport) -> Plan:
    unit = UnitResolver()
    p = data["plan"]
    plan = upsert(
        Plan,
        {"code": p["code"]},
        {
            "name": p["name"],
            "title": p.get("title", ""),
            "document_number": p.get("document_number", ""),
            "issued_on": p.get("issued_on"),
            "start_date": p["start_date"],
            "end_date": p["end_date"],
        },
        report,
    )
    if not Plan.objects.filter(is_current=True).exists():
        Plan.objects.filter(pk=plan.pk).update(is_current=True)
    for order, row in enumerate(data.get("targets", []), start=1):
        target = upsert(
            Target,
            {"plan": plan, "code": row["code"]},
            {
                "category": row["category"],
                "kind": row["kind"],
                "name": row["name"],
                "measure_unit": row["measure_unit"],
                "target_value": row["target_value"],
                "baseline_value": row.get("baseline_value"),
                "baseline_date": row.get("baseline_date") or p["start_date"] - dt.timedelta(days=1),
                "deadline": row.get("deadline", p["end_date"]),
                "clause": row.get("clause", ""),
                "source_text": row.get("source_text", ""),
                "note": row.get("note", ""),
                "order": order * 10,
            },
            report,
        )
        for owner in row.get("owners", []):
            upsert(
                TargetOwner,
                {"target": target, "unit": unit(owner["unit"])},
                {"role": owner.get("role", "lead"), "assumed": bool(owner.get("assumed", False))},
                report,
            )
    for order, row in enumerate(data.get("qualitative_goals", []), start=1):
        upsert(
            QualitativeGoal,
            {"plan": plan, "code": row["code"]},
            {"clause": row.get("clause", ""), "text": row["text"], "order": order * 10},
            report,
        )
    for order, row in enumerate(data.get("measures", []), start=1):
        measure = upsert(
            Measure,
            {"plan": plan, "code": row["code"]},
            {
                "group": row["group"],
                "number": row["number"],
                "title": row["title"],
                "text": row["text"],
                "responsible_label": row.get("responsible_label", "责任单位"),
                "responsible_text": row["responsible_text"],
                "order": order * 10,
            },
            report,
        )
        for idx, name in enumerate(row.get("responsible_units", []), start=1):
            upsert(MeasureResponsibility, {"measure": measure, "unit": unit(name)}, {"order": idx}, report)
    rules = data.get("meeting_rules")
    if rules:
        upsert(
            MeetingRule,
            {"name": rules["name"]},
            {
                "frequency_months": rules.get("frequency_months", 6),
                "convener": rules["convener"],
                "articles": rules.get("articles", []),
            },
            report,
        )
        for order, kind in enumerate(rules.get("business_kinds", []), start=1):
            upsert(
                BusinessKind,
                {"code": kind["code"]},
                {"clause": kind["clause"], "name": kind["name"], "text": kind["text"], "order": order},
                report,
            )
    return plan


PLAN_FILES = ("plan_2022_2025.yaml",)


@transaction.atomic
def load_policy(base: Path | None = None, plan_files=PLAN_FILES) -> LoadReport:
    report = LoadReport()
    load_units(read_yaml("member_units.yaml", base), report)
    committee = read_yaml("committee.yaml", base)
    load_committee(committee, report)
    load_identity(read_yaml("policy.yaml", base), committee, report)
    load_funding(read_yaml("funding_sources.yaml", base), report)
    load_rewards(read_yaml("reward_items.yaml", base), report)
    for name in plan_files:
        load_plan(read_yaml(name, base), report)
    return report
