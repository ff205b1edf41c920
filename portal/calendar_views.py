"""The office's working-day calendar: a year's arrangement in one form or one xlsx."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.permissions import AuthenticatedRequest, office_required
from core.calendar import (
    CalendarImporter,
    Holiday,
    MakeUpDay,
    calendar_year_set,
    parse_lines,
    year_arrangement,
    year_known,
)
from core.import_views import run_upload
from core.models import CalendarYear
from core.uploads import validate_upload
from core.workdays import statutory_calendar_known


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    source = forms.CharField(
        label="依据",
        max_length=200,
        help_text="例如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕×号）",
    )
    holidays = forms.CharField(
        label="放假安排",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="每行一个假期：开始日期 至 结束日期 名称，例如“2027-01-01 至 2027-01-03 元旦”",
    )
    workdays = forms.CharField(
        label="调休上班日",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="每行一天：日期 说明，例如“2027-02-07 春节调休上班”",
    )
    file = forms.FileField(
        label="或上传 Excel（.xlsx）",
        required=False,
        help_text="列：类型（放假 / 上班）、开始日期、结束日期、说明；上传后先预览，确认后以文件为准",
    )

    def clean_file(self) -> UploadedFile | None:
        f = self.cleaned_data.get("file")
        if f:
            validate_upload(f, kinds=("xlsx",), max_bytes=settings.MAX_XLSX_BYTES)
        return f

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns
        if self.errors:
            return data
        if data.get("file"):
            return data  # a spreadsheet goes through the import pipeline (CalendarImporter)
        try:
            data["parsed_holidays"] = [Holiday(*r) for r in parse_lines(data["holidays"], ranges=True)]
            data["parsed_workdays"] = [
                MakeUpDay(r[0], r[2]) for r in parse_lines(data["workdays"], ranges=False)
            ]
        except ValidationError as exc:
            self.add_error(None, exc)
        return data


def _initial(year: int) -> dict[str, Any]:
    holidays, workdays = year_arrangement(year)
    record = CalendarYear.objects.filter(year=year).first()
    return {
        "year": year,
        "source": record.source if record else "",
        "holidays": "\n".join(
            f"{h.start:%Y-%m-%d}" + (f" 至 {h.end:%Y-%m-%d}" if h.end != h.start else "") + f" {h.note}"
            for h in holidays
        ),
        "workdays": "\n".join(f"{w.day:%Y-%m-%d} {w.note}" for w in workdays),
    }


@office_required
def calendar_year(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year + (1 if today.month >= 10 else 0))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    form = CalendarYearForm(request.POST or None, request.FILES or None, initial=_initial(year))
    preview, status = None, 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid() and form.cleaned_data.get("file"):
        done, preview, status = run_upload(
            request,
            form,
            kind=CalendarImporter.kind,
            params=lambda data: {"year": data["year"], "source": data["source"]},
        )
        if done:
            return done
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            calendar_year_set(
                year=data["year"],
                holidays=data["parsed_holidays"],
                workdays=data["parsed_workdays"],
                source=data["source"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已保存{data['year']}年工作日历。")
            return redirect(f"{request.path}?year={data['year']}")
    years = [
        {
            "year": y,
            "library": statutory_calendar_known(y),
            "office": CalendarYear.objects.filter(year=y).first(),
        }
        for y in range(today.year - 1, today.year + 3)
    ]
    return render(
        request,
        "core/calendar_year.html",
        {
            "form": form,
            "preview": preview,
            "year": year,
            "known": year_known(year),
            "years": years,
            "today": today,
        },
        status=status,
    )
