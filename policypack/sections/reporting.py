"""reporting.yaml: the reporting rhythm (报送周期) and its office settings — due days, reminder days, the
amber band (core.rhythm_settings; stored in core.SiteSetting, where the office edits them)."""

from collections.abc import Iterable
from typing import Any

from django.db import models

from core.models import PolicyRecord, SiteSetting
from core.rhythm_settings import rhythm_values, validate_rhythm

from ..files import PackFile
from ..upsert import LoadReport, upsert
from .base import PackContext, Section


def report_errors(doc: PackFile, prefix: tuple[Any, ...], errors: Iterable[tuple[str, str]]) -> None:
    """Errors of a pure validator ((dotted path, message)) into ``doc``, at their field; a field the
    schema already refused is not reported twice."""
    for path, message in errors:
        parts = prefix + tuple(path.split(".")[1:])
        if any(e.field == _dotted(parts) for e in doc.errors):
            continue
        doc.error(parts, message)


def _dotted(parts: tuple) -> str:
    from ..files import field_path

    return field_path(parts)


class ReportingSection(Section):
    name = "reporting"
    title = "报送周期与提醒"
    file = "reporting.yaml"
    key = "reporting"
    schema = "reporting.json"
    required = False  # without it the platform keeps its settings (half-yearly by default)

    def validate(self, doc: PackFile, data: Any, ctx: PackContext) -> None:
        if isinstance(data, dict):
            report_errors(doc, ("reporting",), validate_rhythm(data))

    def apply(self, data: Any, ctx: PackContext, report: LoadReport) -> None:
        values = rhythm_values(data)
        _adopt_untouched_settings(values)
        # upsert keeps what the office changed on the settings page since the last load
        upsert(SiteSetting, {"id": 1}, values, report)


def _default(name: str) -> object:
    field = SiteSetting._meta.get_field(name)
    assert isinstance(field, models.Field)  # the rhythm values are columns of the settings row
    return field.default


def _adopt_untouched_settings(values: dict) -> None:
    """The settings row exists before any pack wrote it (created with the defaults on first read):
    when it still holds the defaults nobody edited it, so it is snapshotted as it is and the pack's
    values are applied; a row the office changed before the first load is kept (upsert)."""
    if PolicyRecord.objects.filter(model=SiteSetting._meta.label, key="1").exists():
        return
    setting = SiteSetting.objects.filter(id=1).first()
    if setting is None:
        return
    if all(getattr(setting, name) == _default(name) for name in values):
        PolicyRecord.objects.create(
            model=SiteSetting._meta.label, key="1", values={name: getattr(setting, name) for name in values}
        )
