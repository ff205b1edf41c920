from typing import Any

from celery.schedules import crontab
from django import forms
from django.core.exceptions import ValidationError
from django_celery_beat import validators

from .halves import HalfYear

CRON_FIELDS = (
    ("minute", "分钟", "0–59，例如 30；多个用逗号分隔", validators.minute_validator),
    ("hour", "小时", "0–23（北京时间），例如 8", validators.hour_validator),
    ("day_of_month", "日期", "1–31，* 表示每天", validators.day_of_month_validator),
    ("month_of_year", "月份", "1–12，* 表示每月，例如 1,7", validators.month_of_year_validator),
    (
        "day_of_week",
        "星期",
        "0–6（0 为星期日），* 表示每天；是否工作日由任务自行判断",
        validators.day_of_week_validator,
    ),
)


class CrontabScheduleForm(forms.Form):
    enabled = forms.BooleanField(label="启用", required=False)
    minute = forms.CharField(label="分钟", max_length=60)
    hour = forms.CharField(label="小时", max_length=60)
    day_of_month = forms.CharField(label="日期", max_length=60)
    month_of_year = forms.CharField(label="月份", max_length=60)
    day_of_week = forms.CharField(label="星期", max_length=60)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label, help_text, _ in CRON_FIELDS:
            self.fields[name].label = label
            self.fields[name].help_text = help_text

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns
        spec = {}
        for name, label, _, validator in CRON_FIELDS:
            value = (data.get(name) or "").strip().replace(" ", "")
            if not value:
                continue
            try:
                validator(value)
            except (ValidationError, ValueError):
                self.add_error(name, f"“{label}”的写法不正确：{value}")
                continue
            spec[name] = value
        if len(spec) == len(CRON_FIELDS):
            try:
                crontab(**spec)
            except (ValueError, TypeError):
                raise ValidationError("执行时间的写法不正确，请检查各项。") from None
            data["crontab"] = spec
        return data


class IntervalScheduleForm(forms.Form):
    enabled = forms.BooleanField(label="启用", required=False)
    every_seconds = forms.IntegerField(
        label="间隔（秒）", min_value=30, max_value=24 * 3600, help_text="30 秒至 24 小时"
    )


class ReportBuildForm(forms.Form):
    key = forms.CharField(
        max_length=10,
        error_messages={"required": "请选择要生成报告的半年度。", "max_length": "半年度编号不正确。"},
    )

    def __init__(self, *args: Any, buildable: list[HalfYear], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.buildable = {h.key: h for h in buildable}

    def clean_key(self) -> HalfYear:
        key = self.cleaned_data["key"].strip().upper()
        if key not in self.buildable:
            raise ValidationError("该半年度的进度报送尚未截止（或未开启报送期次），不能生成报告。")
        return self.buildable[key]
