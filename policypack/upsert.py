"""Writing policy data: ``upsert`` with a snapshot per object, so that reloading keeps the office's edits.

Every object written is snapshotted in ``core.PolicyRecord``. On a later run an object whose current values
differ from that snapshot has been edited by the office and is left alone (and reported); an object still
equal to its snapshot is brought up to date with the pack.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models

from core.models import PolicyRecord

M = TypeVar("M", bound=models.Model)


@dataclass
class LoadReport:
    counts: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    kept: list = field(default_factory=list)

    def add(self, model: type[models.Model], outcome: str) -> None:
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


def _plain(model: type[models.Model], name: str, value: Any) -> Any:
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


def _current(obj: models.Model, names: Iterable[str]) -> dict[str, Any]:
    model = type(obj)
    out = {}
    for name in names:
        f = model._meta.get_field(name)
        raw = getattr(obj, f.attname) if isinstance(f, models.ForeignKey) else getattr(obj, name)
        out[name] = _plain(model, name, raw)
    return out


def upsert(model: type[M], lookup: dict[str, Any], values: dict[str, Any], report: LoadReport) -> M:
    key = "|".join(str(_plain(model, k, v)) for k, v in sorted(lookup.items()))
    label = model._meta.label
    wanted = {k: _plain(model, k, v) for k, v in values.items()}
    obj = model._default_manager.filter(**lookup).first()
    record = PolicyRecord.objects.filter(model=label, key=key).first()
    if obj is None:
        obj = model._default_manager.create(**lookup, **values)
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
    if snapshot is None:
        report.kept.append(f"{model._meta.verbose_name} {obj}（{'、'.join(wanted)}）")
        report.add(model, "kept")
        return obj
    assert record is not None  # a snapshot was read from it
    edited = [k for k in wanted if k in snapshot and current.get(k) != snapshot[k]]
    if edited:
        # the office's edits stay; a field no earlier load ever wrote (new in the pack format) comes in
        fresh = [k for k in wanted if k not in snapshot]
        for k in fresh:
            setattr(obj, k, values[k])
        if fresh:
            obj.save(update_fields=[model._meta.get_field(k).name for k in fresh])
            record.values = {**snapshot, **{k: wanted[k] for k in fresh}}
            record.save()
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
