"""Forms of the targets app: they validate and normalise; saving is the services'."""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any, TypeVar, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone

from committee.fields import UnitMultipleChoiceField
from committee.models import MemberUnit
from core import rhythm as rh
from core.fields import NamedChoiceField
from core.uploads import ATTACHMENT_KINDS, validate_upload

from .excel import SOURCE_CHOICES, value_basis
from .models import (
    Measure,
    Plan,
    Report,
    ReportGoalLine,
    ReportingPeriod,
    ReportMeasureLine,
    ReportTargetLine,
    Target,
    TargetCategory,
    TargetEvaluation,
)
from .progress import RAG_LABELS
from .services import (
    GoalVerdict,
    LineInput,
    MeasureInput,
    ReportInput,
    TargetVerdict,
    period_due_date,
    reporting_rhythm,
)
from .validation import clean_date, clean_text, clean_value

T = TypeVar("T")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _units() -> QuerySet[MemberUnit]:
    return MemberUnit.objects.filter(active=True).order_by("order", "id")


class ReportForm(forms.Form):
    """The member unit's half-yearly report: one group of fields per target line and per measure line."""

    summary = forms.CharField(
        label="总体情况及其他工作",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="可填写本期总体工作情况、督办事项落实情况等。",
    )

    def __init__(
        self,
        *args: Any,
        report: Report,
        target_lines: Iterable[ReportTargetLine],
        measure_lines: Iterable[ReportMeasureLine],
        goal_lines: Iterable[ReportGoalLine] = (),
        floors: dict[int, Decimal] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.report = report
        self.floors = floors or {}
        self.target_lines = list(target_lines)
        self.measure_lines = list(measure_lines)
        self.goal_lines = list(goal_lines)
        for goal_line in self.goal_lines:
            self.fields[f"g{goal_line.goal_id}_progress"] = forms.CharField(
                label="本单位工作情况",
                required=False,
                initial=goal_line.progress,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="与本单位职责无关的可不填",
            )
        period = report.period
        self.fields["summary"].initial = report.summary
        for line in self.target_lines:
            p = f"t{line.target_id}_"
            t = line.target
            self.fields[p + "value"] = forms.CharField(
                label=f"本期实际值（{t.measure_unit}）",
                required=False,
                initial=None if line.value is None else f"{line.value.normalize():f}",
                help_text=value_basis(t),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
            self.fields[p + "stat_date"] = forms.CharField(
                label="统计日期",
                required=False,
                initial=line.stat_date.isoformat() if line.stat_date else "",
                widget=forms.TextInput(
                    attrs={
                        "type": "date",
                        "min": period.start_date.isoformat(),
                        "max": period.end_date.isoformat(),
                    }
                ),
            )
            self.fields[p + "source"] = forms.CharField(
                label="数据来源",
                required=False,
                initial=line.source,
                widget=forms.TextInput(attrs={"list": "source-choices", "maxlength": 100}),
            )
            self.fields[p + "note"] = forms.CharField(
                label="说明", required=False, initial=line.note, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[p + "evidence"] = forms.FileField(
                label="佐证材料", required=False, help_text="PDF、JPG 或 PNG，不超过 10 MB"
            )
            self.fields[p + "clear_evidence"] = forms.BooleanField(
                label="删除已上传的佐证材料", required=False
            )
        for measure_line in self.measure_lines:
            p = f"m{measure_line.measure_id}_"
            for name, label, initial in (
                ("progress", "工作进展", measure_line.progress),
                ("problems", "存在问题", measure_line.problems),
                ("next_steps", "下步计划", measure_line.next_steps),
            ):
                self.fields[p + name] = forms.CharField(
                    label=label, required=False, initial=initial, widget=forms.Textarea(attrs={"rows": 3})
                )

    source_choices = SOURCE_CHOICES

    @property
    def target_rows(self) -> Iterator[dict[str, Any]]:
        for line in self.target_lines:
            p = f"t{line.target_id}_"
            yield {
                "line": line,
                "fields": [self[p + n] for n in ("value", "stat_date", "source")],
                "note": self[p + "note"],
                "evidence": self[p + "evidence"],
                "clear_evidence": self[p + "clear_evidence"],
            }

    @property
    def goal_rows(self) -> Iterator[dict[str, Any]]:
        for goal_line in self.goal_lines:
            yield {"line": goal_line, "field": self[f"g{goal_line.goal_id}_progress"]}

    @property
    def measure_rows(self) -> Iterator[dict[str, Any]]:
        for measure_line in self.measure_lines:
            p = f"m{measure_line.measure_id}_"
            yield {
                "line": measure_line,
                "fields": [self[p + n] for n in ("progress", "problems", "next_steps")],
            }

    def _check(self, name: str, parse: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        try:
            return parse(*args, **kwargs)
        except ValidationError as exc:
            self.add_error(name, exc)
            return None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what clean() of the base returns
        period = self.report.period
        data["summary"] = self._check(
            "summary", clean_text, data.get("summary"), label="总体情况", field="progress"
        )
        for line in self.target_lines:
            p = f"t{line.target_id}_"
            t = line.target
            data[p + "value"] = self._check(
                p + "value", clean_value, t, data.get(p + "value"), floor=self.floors.get(line.target_id)
            )
            data[p + "stat_date"] = self._check(
                p + "stat_date",
                clean_date,
                data.get(p + "stat_date"),
                label="统计日期",
                start=period.start_date,
                end=period.end_date,
                what="本期",
            )
            data[p + "source"] = self._check(
                p + "source", clean_text, data.get(p + "source"), label="数据来源", field="source"
            )
            data[p + "note"] = self._check(p + "note", clean_text, data.get(p + "note"), label="说明")
            evidence = data.get(p + "evidence")
            if evidence:
                self._check(p + "evidence", validate_upload, evidence, kinds=ATTACHMENT_KINDS)
        for measure_line in self.measure_lines:
            p = f"m{measure_line.measure_id}_"
            for name, label in (
                ("progress", "工作进展"),
                ("problems", "存在问题"),
                ("next_steps", "下步计划"),
            ):
                data[p + name] = self._check(
                    p + name, clean_text, data.get(p + name), label=label, field=name
                )
        for goal_line in self.goal_lines:
            name = f"g{goal_line.goal_id}_progress"
            data[name] = self._check(
                name, clean_text, data.get(name), label="定性目标工作情况", field="progress"
            )
        return data

    def to_input(self) -> ReportInput:
        data = self.cleaned_data
        out = ReportInput(summary=data.get("summary") or "")
        for line in self.target_lines:
            p = f"t{line.target_id}_"
            out.lines[line.target_id] = LineInput(
                value=data.get(p + "value"),
                stat_date=data.get(p + "stat_date"),
                source=data.get(p + "source") or "",
                note=data.get(p + "note") or "",
                evidence=data.get(p + "evidence") or None,
                clear_evidence=bool(data.get(p + "clear_evidence")),
            )
        for measure_line in self.measure_lines:
            p = f"m{measure_line.measure_id}_"
            out.measures[measure_line.measure_id] = MeasureInput(
                progress=data.get(p + "progress") or "",
                problems=data.get(p + "problems") or "",
                next_steps=data.get(p + "next_steps") or "",
            )
        for goal_line in self.goal_lines:
            out.goals[goal_line.goal_id] = data.get(f"g{goal_line.goal_id}_progress") or ""
        return out


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="退回意见", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, strip=True
    )

    def clean_comment(self) -> str:
        return clean_text(self.cleaned_data["comment"], label="退回意见")


class OpenPeriodForm(forms.Form):
    plan = NamedChoiceField(label="规划", queryset=Plan.objects.all(), empty_label=None)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(label="半年", choices=ReportingPeriod.Half.choices, coerce=int)
    due_date = forms.DateField(
        label="报送截止日", required=False, widget=DateInput(), help_text="留空则为半年结束后按平台设置的天数"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the periods of the office's reporting rhythm (the half-yearly form is unchanged)
        self.rhythm = reporting_rhythm()
        if self.rhythm != rh.HALF:
            cast(forms.ChoiceField, self.fields["half"]).choices = rh.number_choices(self.rhythm)
            self.fields["half"].label = rh.RHYTHM_NAMES[self.rhythm]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what clean() of the base returns
        year, half = data.get("year"), data.get("half")
        if year and half:
            start, end = ReportingPeriod.bounds(year, half, self.rhythm)
            today = timezone.localdate()
            if start > today + dt.timedelta(days=31):
                self.add_error("year", "不能提前一个月以上开放尚未开始的期次。")
            due = data.get("due_date")
            if due and due < start:
                self.add_error("due_date", "报送截止日不能早于该半年的起始日期。")
            elif (
                not self.errors
                and data.get("plan")
                and data["plan"].start_date <= end
                and start <= data["plan"].end_date  # outside the plan: the service says so
            ):
                default = period_due_date(year=year, half=half, rhythm=self.rhythm)
                if (due or default) < today and not ReportingPeriod.objects.filter(
                    plan=data.get("plan"), rhythm=self.rhythm, year=year, half=half
                ).exists():
                    self.add_error(
                        "due_date",
                        f"报送截止日 {(due or default):%Y-%m-%d} 已过：开放后所有单位会立即被记为未报送。"
                        "请填写新的报送截止日（今天或以后）；如是补录往期，请在“历史补录：往期进度报告”中开放。",
                    )
        return data


class HistoryPeriodForm(forms.Form):
    """A past half year opened as a 补录期次: the office fills its reports from the old tables."""

    plan = NamedChoiceField(label="规划", queryset=Plan.objects.all(), empty_label=None)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(label="半年", choices=ReportingPeriod.Half.choices, coerce=int)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what clean() of the base returns
        year, half = data.get("year"), data.get("half")
        if year and half and ReportingPeriod.bounds(year, half)[1] >= timezone.localdate():
            self.add_error("half", "只有已经结束的半年才能补录；本期请在“报送期次”中开放。")
        return data


class XlsxUploadForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）", help_text="不超过 5 MB")

    def clean_file(self) -> UploadedFile:
        f = self.cleaned_data["file"]
        validate_upload(f, kinds=("xlsx",), max_bytes=settings.MAX_XLSX_BYTES)
        return f


class StatisticsImportForm(XlsxUploadForm):
    plan = NamedChoiceField(label="规划", queryset=Plan.objects.all(), empty_label=None)
    source = forms.CharField(
        label="数据来源",
        max_length=100,
        help_text="例如：市统计局《2025年国民经济和社会发展统计公报》；文件中某行填写了来源时以该行为准",
    )
    backfilled = forms.BooleanField(label="补录历史数据", required=False)

    field_order = ["plan", "source", "backfilled", "file"]

    def clean_source(self) -> str:
        return clean_text(self.cleaned_data["source"], label="数据来源", field="source")


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "code",
            "name",
            "title",
            "document_number",
            "issued_on",
            "start_date",
            "end_date",
            "is_current",
        ]
        widgets = {"issued_on": DateInput(), "start_date": DateInput(), "end_date": DateInput()}
        help_texts = {
            "code": "英文字母、数字和短横线，例如 jl-2026-2030",
            "is_current": "看板默认显示当前规划",
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what clean() of the base returns
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", "截止日期必须晚于起始日期。")
        return data


class CarryRowForm(forms.Form):
    """One row of the carry-over table: keep the target or not, its new value and deadline."""

    target = forms.IntegerField(widget=forms.HiddenInput)
    include = forms.BooleanField(label="接续", required=False)
    target_value = forms.CharField(label="新目标值", required=False, max_length=30)
    deadline = forms.DateField(label="完成时限", required=False, widget=DateInput())

    def __init__(self, *args: Any, sources: dict[int, Target], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sources = sources

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what clean() of the base returns
        target_id = data.get("target")
        source = self.sources.get(target_id) if target_id is not None else None
        if source is None:
            raise ValidationError("该指标不属于上一规划，请刷新页面后重试。")
        data["source"] = source
        if not data.get("include"):
            return data
        raw = (data.get("target_value") or "").strip()
        if not raw:
            self.add_error("target_value", f"请填写“{source.name}”的新目标值。")
            return data
        try:
            value = clean_value(source, raw)
        except ValidationError:
            self.add_error(
                "target_value", f"“{source.name}”的新目标值“{raw}”无效（非负数，百分比不超过 100）。"
            )
            return data
        data["target_value"] = value
        return data


class BaseCarryFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, sources: dict[int, Target], **kwargs: Any) -> None:
        self.sources = sources
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"sources": self.sources}

    def clean(self) -> None:
        if any(self.errors):
            return
        ids = [f.cleaned_data["target"] for f in self.forms]
        if len(ids) != len(set(ids)):
            raise ValidationError("同一指标出现了两次，请刷新页面后重试。")
        if not any(f.cleaned_data.get("include") for f in self.forms):
            raise ValidationError("请至少选择一项要接续的指标。")


CarryFormSet = cast(
    type[BaseCarryFormSet],  # the stubs type the result as the plain BaseFormSet
    forms.formset_factory(
        CarryRowForm, formset=BaseCarryFormSet, extra=0, max_num=500, validate_max=True, absolute_max=500
    ),
)


class TargetForm(forms.ModelForm):
    lead_units = UnitMultipleChoiceField(label="牵头单位", queryset=MemberUnit.objects.none())
    support_units = UnitMultipleChoiceField(
        label="配合单位", queryset=MemberUnit.objects.none(), required=False
    )

    class Meta:
        model = Target
        fields = [
            "code",
            "category",
            "kind",
            "name",
            "measure_unit",
            "target_value",
            "baseline_value",
            "baseline_date",
            "deadline",
            "clause",
            "source_text",
            "note",
            "order",
            "active",
        ]
        widgets = {
            "baseline_date": DateInput(),
            "deadline": DateInput(),
            "source_text": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "baseline_value": "新增类指标填期初存量（仅作参考）；比率类指标留空表示无基期值",
            "baseline_date": "进度参照线的起点；留空为规划起始日前一天",
        }

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.instance.plan = plan
        # the plan's categories (TargetCategory, from the pack)
        self.fields["category"] = forms.ChoiceField(
            label="类别", choices=[("", "请选择"), *plan.category_names().items()]
        )
        for name in ("lead_units", "support_units"):
            cast(forms.ModelMultipleChoiceField, self.fields[name]).queryset = _units()
        if self.instance.pk:
            owners = list(self.instance.owners.all())
            self.fields["lead_units"].initial = [o.unit_id for o in owners if o.role == "lead"]
            self.fields["support_units"].initial = [o.unit_id for o in owners if o.role == "support"]
        else:
            self.initial["deadline"] = self.initial.get("deadline") or plan.end_date
            self.initial["baseline_date"] = self.initial.get(
                "baseline_date"
            ) or plan.start_date - dt.timedelta(days=1)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what clean() of the base returns
        kind, value = data.get("kind"), data.get("target_value")
        if kind and value is not None:
            if kind in ("rate_at_least", "rate_at_most", "exactly_100") and value > 100:
                self.add_error("target_value", "比率类指标的目标值不能超过 100。")
            if kind == "exactly_100" and value != 100:
                self.add_error("target_value", "“达到100%”类指标的目标值必须是 100。")
            if kind == "zero_breakthrough" and value != 1:
                self.add_error("target_value", "“零的突破”类指标的目标值必须是 1。")
            if value < 0:
                self.add_error("target_value", "目标值不能为负数。")
        deadline = data.get("deadline")
        if deadline and not self.plan.start_date <= deadline <= self.plan.end_date:
            self.add_error("deadline", "完成时限须在规划期内。")
        baseline_date = data.get("baseline_date")
        if baseline_date and deadline and baseline_date >= deadline:
            self.add_error("baseline_date", "基期日期必须早于完成时限。")
        if data.get("baseline_value") is not None and data["baseline_value"] < 0:
            self.add_error("baseline_value", "基期值不能为负数。")
        leads, supports = set(data.get("lead_units") or []), set(data.get("support_units") or [])
        if leads & supports:
            self.add_error("support_units", "同一单位不能既是牵头单位又是配合单位。")
        for name in ("name", "source_text", "note", "clause", "code", "measure_unit"):
            if data.get(name):
                try:
                    data[name] = clean_text(data[name], label=str(self.fields[name].label))
                except ValidationError as exc:
                    self.add_error(name, exc)
        if not data.get("baseline_date") and deadline:
            data["baseline_date"] = self.plan.start_date - dt.timedelta(days=1)
            self.instance.baseline_date = data["baseline_date"]
        return data

    def validate_unique(self) -> None:
        # plan is not a form field; check (plan, code) here so a duplicate gets a form error, not a 500
        super().validate_unique()
        code = self.cleaned_data.get("code")
        if code and Target.objects.filter(plan=self.plan, code=code).exclude(pk=self.instance.pk).exists():
            self.add_error("code", "本规划中已有相同编号的指标。")


class MeasureForm(forms.ModelForm):
    units = UnitMultipleChoiceField(label="责任单位", queryset=MemberUnit.objects.none())

    class Meta:
        model = Measure
        fields = ["code", "group", "number", "title", "text", "responsible_text", "order"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.instance.plan = plan
        cast(forms.ModelMultipleChoiceField, self.fields["units"]).queryset = _units()
        if self.instance.pk:
            self.fields["units"].initial = [r.unit_id for r in self.instance.responsibilities.all()]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what clean() of the base returns
        for name in ("code", "group", "title", "text", "responsible_text"):
            if data.get(name):
                try:
                    data[name] = clean_text(data[name], label=str(self.fields[name].label), field="progress")
                except ValidationError as exc:
                    self.add_error(name, exc)
        return data

    def validate_unique(self) -> None:
        super().validate_unique()
        code = self.cleaned_data.get("code")
        if code and Measure.objects.filter(plan=self.plan, code=code).exclude(pk=self.instance.pk).exists():
            self.add_error("code", "本规划中已有相同编号的措施。")


class FinalEvaluationForm(forms.Form):
    """The whole 终期评估 in one form: narrative, and one group of fields per target, measure and goal."""

    overview = forms.CharField(label="一、总体评价", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    achievements = forms.CharField(label="主要成效", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    problems = forms.CharField(label="存在问题", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    suggestions = forms.CharField(
        label="下一步建议", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    NARRATIVE = ("overview", "achievements", "problems", "suggestions")

    def __init__(self, *args: Any, data_rows: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = data_rows
        evaluation = data_rows["evaluation"]
        for name in self.NARRATIVE:
            self.fields[name].initial = getattr(evaluation, name) if evaluation else ""
        result_choices = TargetEvaluation.Result.choices
        for row in data_rows["targets"]:
            t, e = row["target"], row["evaluation"]
            if e:
                initial = (e.result, decimal_text(e.final_value), e.final_as_of, e.comment)
            else:  # a suggestion from the latest accepted value: past the deadline and not met is 未完成
                suggested = (
                    TargetEvaluation.Result.ACHIEVED
                    if row["achieved"]
                    else TargetEvaluation.Result.NOT_ACHIEVED
                )
                if row["actual"] is None:
                    suggested = TargetEvaluation.Result.NOT_MEASURABLE
                initial = (suggested, decimal_text(row["actual"]), row["as_of"], "")
            p = f"t{t.pk}_"
            self.fields[p + "result"] = forms.ChoiceField(
                label="结论", choices=result_choices, initial=initial[0]
            )
            self.fields[p + "final_value"] = forms.CharField(
                label=f"最终值（{t.measure_unit}）", required=False, initial=initial[1], max_length=30
            )
            self.fields[p + "final_as_of"] = forms.DateField(
                label="统计日期", required=False, initial=initial[2], widget=DateInput()
            )
            self.fields[p + "comment"] = forms.CharField(
                label="原因及说明",
                required=False,
                initial=initial[3],
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            row["fields"] = [self[p + n] for n in ("result", "final_value", "final_as_of", "comment")]
        for m in data_rows["measures"]:
            name = f"m{m['measure'].pk}_comment"
            self.fields[name] = forms.CharField(
                label="办公室评价",
                required=False,
                initial=m["evaluation"].comment if m["evaluation"] else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            m["field"] = self[name]
        for g in data_rows["goals"]:
            p = f"g{g['goal'].pk}_"
            e = g["evaluation"]
            self.fields[p + "result"] = forms.ChoiceField(
                label="结论",
                choices=result_choices,
                initial=e.result if e else TargetEvaluation.Result.ACHIEVED,
            )
            self.fields[p + "comment"] = forms.CharField(
                label="评估意见",
                required=False,
                initial=e.comment if e else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            g["fields"] = [self[p + "result"], self[p + "comment"]]

    def _text(self, data: dict[str, Any], name: str, label: str) -> None:
        try:
            data[name] = clean_text(data.get(name), label=label, field="progress")
        except ValidationError as exc:
            self.add_error(name, exc)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what clean() of the base returns
        for name in self.NARRATIVE:
            self._text(data, name, str(self.fields[name].label))
        for row in self.rows["targets"]:
            t = row["target"]
            p = f"t{t.pk}_"
            try:
                data[p + "final_value"] = clean_value(t, data.get(p + "final_value"))
            except ValidationError as exc:
                self.add_error(p + "final_value", exc)
            self._text(data, p + "comment", f"“{t.code}”的原因及说明")
        for m in self.rows["measures"]:
            self._text(data, f"m{m['measure'].pk}_comment", "措施评价")
        for g in self.rows["goals"]:
            self._text(data, f"g{g['goal'].pk}_comment", "定性目标评估意见")
        return data

    def to_input(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "narrative": {n: d.get(n) or "" for n in self.NARRATIVE},
            "targets": {
                r["target"].pk: TargetVerdict(
                    result=d[f"t{r['target'].pk}_result"],
                    final_value=d.get(f"t{r['target'].pk}_final_value"),
                    final_as_of=d.get(f"t{r['target'].pk}_final_as_of"),
                    comment=d.get(f"t{r['target'].pk}_comment") or "",
                )
                for r in self.rows["targets"]
            },
            "measures": {
                m["measure"].pk: d.get(f"m{m['measure'].pk}_comment") or "" for m in self.rows["measures"]
            },
            "goals": {
                g["goal"].pk: GoalVerdict(
                    result=d[f"g{g['goal'].pk}_result"], comment=d.get(f"g{g['goal'].pk}_comment") or ""
                )
                for g in self.rows["goals"]
            },
        }


class ReopenForm(forms.Form):
    reason = forms.CharField(label="重新打开原因", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def clean_reason(self) -> str:
        return clean_text(self.cleaned_data["reason"], label="重新打开原因")


class DashboardFilterForm(forms.Form):
    plan = NamedChoiceField(label="规划", queryset=Plan.objects.all(), required=False, empty_label=None)
    category = forms.ChoiceField(label="类别", required=False)
    unit = NamedChoiceField(
        label="责任单位",
        queryset=MemberUnit.objects.none(),
        required=False,
        empty_label="全部单位",
    )
    rag = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *RAG_LABELS.items()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = _units()
        # every plan's categories (the plan is picked in the same form), the first name of a code;
        # kept per plan, so the page names its groups without reading them again (``plan_categories``)
        names: dict[str, str] = {}
        self._categories: dict[int, dict[str, str]] = {}
        rows = TargetCategory.objects.order_by("-plan__is_current", "order", "id").values_list(
            "plan_id", "code", "name"
        )
        for plan_id, code, name in rows:
            names.setdefault(code, name)
            self._categories.setdefault(plan_id, {})[code] = name
        choices = names or dict(Target.Category.choices)
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", "全部类别"), *choices.items()]

    def plan_categories(self, plan: Plan) -> None:
        """Give ``plan`` its category names (``Plan.category_names``) from the rows read for the choices."""
        plan.use_category_names(self._categories.get(plan.pk, {}))


class MatrixFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("", "全部"),
        ("on_time", "按时"),
        ("late", "逾期提交"),
        ("missing", "未报送"),
        ("returned", "退回"),
        ("pending", "未到期"),
    ]
    plan = NamedChoiceField(label="规划", queryset=Plan.objects.all(), required=False, empty_label=None)
    unit = NamedChoiceField(
        label="单位",
        queryset=MemberUnit.objects.none(),
        required=False,
        empty_label="全部单位",
    )
    status = forms.ChoiceField(label="报送情况", required=False, choices=STATUS_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = _units()


def decimal_text(value: Decimal | None) -> str:
    return "" if value is None else f"{Decimal(value).normalize():f}"
