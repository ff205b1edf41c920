"""The audit trail of one object, for the office: who changed what, when, from what to what.

Every model listed here keeps django-simple-history records (imports included, see the apps'
services). The page is generic so that each app's detail page only links to it. Services save through
``save_with_history`` so that every history row names who acted.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.apps import apps
from django.db import models
from django.http import Http404

from .dates import table_date
from .errors import refused_as

AUDITED_MODELS = (
    "targets.plan",
    "targets.target",
    "targets.targetowner",
    "targets.measure",
    "targets.reportingperiod",
    "targets.report",
    "targets.reporttargetline",
    "targets.reportmeasureline",
    "targets.statistic",
    "targets.targetevaluation",
    "targets.planevaluation",
    "awards.rewarditem",
    "awards.enterprise",
    "awards.publicitybatch",
    "awards.application",
    "awards.objection",
    "committee.memberunit",
    "committee.seat",
    "committee.appointment",
    "committee.unitcontact",
    "meetings.meeting",
    "meetings.topic",
    "meetings.agendaitem",
    "meetings.workplan",
    "meetings.followupitem",
    "meetings.followupassignment",
)
CHANGE_LABELS = {"+": "新建", "~": "修改", "-": "删除"}


def save_with_history(
    obj: models.Model,
    by: Any,
    *,
    clean: bool = False,
    update_fields: Iterable[str] | None = None,
    force_insert: bool = False,
    reason: str | None = None,
) -> None:
    """Save ``obj`` with ``by`` recorded as the acting user of its history row: services also run
    from tasks and commands, where no request tells simple-history who acted. ``clean`` runs
    ``full_clean`` first (the model's own validation, unique checks included); what it refuses is
    raised as a ``ServiceError`` (code ``invalid``) with the same messages and fields.
    ``update_fields`` and ``force_insert`` are passed to ``save``; ``reason`` becomes the history
    row's change reason (at most 100 characters). The only place that sets ``_history_user``."""
    # simple-history's post_save handler reads these private attributes; they are not in the model's type
    setattr(obj, "_history_user", by)  # noqa: B010
    if reason is not None:
        setattr(obj, "_change_reason", reason[:100])  # noqa: B010
    if clean:
        with refused_as("invalid"):
            obj.full_clean(validate_unique=True)
    obj.save(update_fields=update_fields, force_insert=force_insert)


def delete_with_history(obj: models.Model, by: Any) -> None:
    """Delete ``obj`` with ``by`` recorded as the acting user of its ``-`` history row."""
    setattr(obj, "_history_user", by)  # noqa: B010  # read by simple-history's post_delete handler
    obj.delete()


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: object
    who: str
    kind: str
    reason: str
    changes: list[FieldChange]


def audited_model(label: str) -> type[models.Model]:
    if label.lower() not in AUDITED_MODELS:
        raise Http404("没有该类记录的修改历史")
    return apps.get_model(label)


def _related_name(field: models.ForeignKey, pk: Any, cache: dict) -> str:
    """A linked object by its name (a person by display name), not by its id."""
    related = cast(type[models.Model], field.related_model)  # a model by now, not "self"
    key = (related, pk)
    if key not in cache:
        obj = related._default_manager.filter(pk=pk).first()
        if obj is None:
            cache[key] = f"（已删除的{related._meta.verbose_name}）"
        else:
            cache[key] = getattr(obj, "display_name", None) or str(obj)
    return cache[key]


def _display(field: models.Field, value: Any, cache: dict | None = None) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(field, models.ForeignKey):
        return _related_name(field, value, {} if cache is None else cache)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return "是" if value else "否"
    if isinstance(field, models.DateField):  # DateTimeField too: local time, the table style
        return table_date(value)
    if isinstance(field, models.FileField):
        return str(value).rsplit("/", 1)[-1]
    return str(value)


def object_history(obj: models.Model, *, limit: int = 200) -> list[HistoryEntry]:
    """History records of ``obj``, newest first, each with the fields it changed (before → after)."""
    model = type(obj)
    history = getattr(obj, "history")  # noqa: B009  (simple-history's manager: not in the model's type)
    records = list(
        history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    entries = []
    names: dict = {}
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                # diff_against compares the tracked concrete fields only
                field = cast(models.Field, model._meta.get_field(change.field))
                changes.append(
                    FieldChange(
                        str(field.verbose_name),
                        _display(field, change.old, names),
                        _display(field, change.new, names),
                    )
                )
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.display_name if user else "系统"),
                kind=CHANGE_LABELS.get(record.history_type, record.history_type),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def record_created(
    queryset: models.QuerySet, *, user: Any = None, when: dt.datetime | None = None, reason: str | None = None
) -> int:
    """Write one ``+`` history row for every row of ``queryset`` (rows just created in bulk), in one
    ``INSERT … SELECT`` run by the database: no model instance and no per-value Python per row.

    This is django-simple-history's ``bulk_history_create`` for large imports (10,000 statistics
    in one statement instead of 10,000 historical objects compiled field by field). Every row gets
    the same ``history_date`` (``when``, default now), ``history_user`` and change reason. Call it
    inside the transaction that created the rows, with a queryset that selects exactly them.
    """
    from django.conf import settings
    from django.db import connections, router
    from django.db.models import Value
    from django.utils import timezone

    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return 0
    model = queryset.model
    historical = model.history.model
    tracked = {field.attname for field in historical.tracked_fields}
    constants = {
        "history_date": when or timezone.now(),
        "history_change_reason": reason,
        "history_type": "+",
        "history_user_id": user.pk if user is not None else None,
    }
    columns, selected, annotations = [], [], {}
    for field in historical._meta.concrete_fields:
        if field.attname == "history_id":
            continue  # the database numbers them
        columns.append(field.column)
        if field.attname in tracked:
            selected.append(field.attname)
        elif field.attname in constants:
            alias = f"_history_{field.attname}"
            annotations[alias] = Value(constants[field.attname], output_field=field)
            selected.append(alias)
        else:  # a custom historical field this helper does not know how to fill
            raise ValueError(f"record_created cannot fill {historical.__name__}.{field.attname}")
    connection = connections[router.db_for_write(model)]
    select = queryset.using(connection.alias).order_by("pk").annotate(**annotations).values_list(*selected)
    sql, params = select.query.sql_with_params()
    quote = connection.ops.quote_name
    insert = f"INSERT INTO {quote(historical._meta.db_table)} ({', '.join(map(quote, columns))}) {sql}"
    with connection.cursor() as cursor:
        cursor.execute(insert, params)
        return cursor.rowcount


def bulk_insert(model: type[models.Model], rows: list[dict], **common: Any) -> int:
    """Insert ``rows`` of ``model`` (dicts of attname → value, each completed by ``common``) in
    multi-row ``INSERT`` statements, the values prepared by their fields as ``bulk_create`` does
    but without a model instance or a compiled expression per value. Fields not given get their
    default; the constants of ``common`` and the defaults are prepared once.

    For imports of thousands of rows (``bulk_create`` spends most of its time compiling each value).
    No ``save()``, no signals, no history: add the history with ``record_created``. Returns the
    number of rows inserted.
    """
    from django.db import connections, router
    from django.db.models import AutoField, BigAutoField, SmallAutoField

    if not rows:
        return 0
    connection = connections[router.db_for_write(model)]
    given = list(rows[0])
    fields, constants = [], {}
    for field in model._meta.concrete_fields:
        if isinstance(field, AutoField | BigAutoField | SmallAutoField):
            continue
        if field.attname in given:
            fields.append(field)
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            raise ValueError(f"bulk_insert needs {model.__name__}.{field.attname} (auto_now) given")
        value = common[field.attname] if field.attname in common else field.get_default()
        constants[field] = field.get_db_prep_save(value, connection)
    unknown = set(common) - {f.attname for f in constants} | (set(given) - {f.attname for f in fields})
    if unknown:
        raise ValueError(f"bulk_insert: {model.__name__} has no field {', '.join(sorted(unknown))}")
    columns = [f.column for f in fields] + [f.column for f in constants]
    tail = list(constants.values())
    prepared = [
        [field.get_db_prep_save(row[field.attname], connection) for field in fields] + tail for row in rows
    ]
    # the backend's limit on parameters per statement (SQLite: 999), and at most a thousand rows
    per_statement = max(1, min(connection.ops.bulk_batch_size([*fields, *constants], prepared), 1000))
    quote = connection.ops.quote_name
    # names from the model's own meta, quoted; every value is a parameter
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) VALUES "  # noqa: S608
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(prepared), per_statement):
            chunk = prepared[start : start + per_statement]
            cursor.execute(head + ", ".join([one] * len(chunk)), [v for row in chunk for v in row])
    return len(prepared)
