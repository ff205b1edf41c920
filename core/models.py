from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from core import rhythm
from core.dates import cn_date


class CalendarDay(models.Model):
    """Office-editable working-day calendar.

    Overrides the statutory calendar (chinesecalendar) for a date, and is the only source for
    years the library does not know yet.
    """

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日")
    note = models.CharField("说明", max_length=100, blank=True)

    class Meta:
        verbose_name = "工作日历调整"
        verbose_name_plural = "工作日历调整"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{cn_date(self.date)} {'上班' if self.is_workday else '休息'}"


class SiteSetting(models.Model):
    """Single-row settings the office can change (公示天数, 审核时限 …)."""

    publicity_workdays = models.PositiveSmallIntegerField("公示期（工作日）", default=5)
    review_service_limit_workdays = models.PositiveSmallIntegerField("审核服务时限（工作日）", default=10)
    # the reporting rhythm (core.rhythm): the one place it is set; periods keep the rhythm they opened with
    reporting_rhythm = models.CharField(
        "报送周期", max_length=10, choices=rhythm.RHYTHM_CHOICES, default=rhythm.HALF
    )
    report_due_days_after_half = models.PositiveSmallIntegerField(
        "报告截止（期末后天数）", default=15, help_text="每个报送期次结束后多少天截止报送"
    )
    report_remind_first_days = models.PositiveSmallIntegerField("第一次截止提醒（截止前天数）", default=14)
    report_remind_second_days = models.PositiveSmallIntegerField("第二次截止提醒（截止前天数）", default=3)
    amber_band_pct = models.PositiveSmallIntegerField(
        "滞后区间（%）",
        default=10,
        help_text="落后于进度线不超过目标全程的这一比例为“滞后”，超过为“严重滞后”",
    )
    topic_call_days_before_meeting = models.PositiveSmallIntegerField("议题征集截止（会前天数）", default=10)
    overdue_escalation_days = models.PositiveSmallIntegerField("逾期升级提醒（天）", default=7)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "平台设置"
        verbose_name_plural = "平台设置"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="core_sitesetting_singleton"),
            models.CheckConstraint(
                condition=models.Q(report_remind_first_days__gt=models.F("report_remind_second_days"))
                & models.Q(report_remind_second_days__gte=1),
                name="core_sitesetting_remind_days_order",
            ),
            models.CheckConstraint(
                condition=models.Q(amber_band_pct__gte=1, amber_band_pct__lte=50),
                name="core_sitesetting_amber_band_range",
            ),
            models.CheckConstraint(
                condition=models.Q(reporting_rhythm__in=list(rhythm.PER_YEAR)),
                name="core_sitesetting_rhythm_valid",
            ),
        ]

    def __str__(self) -> str:
        return "平台设置"

    @classmethod
    def get(cls) -> "SiteSetting":
        obj, _ = cls.objects.get_or_create(id=1)
        return obj


class PolicyRecord(models.Model):
    """The values ``load_policy`` last wrote for one object.

    A reload compares the object's current values with this snapshot: equal means nobody has
    edited it, so the fixture may update it; different means the office edited it, so it is kept.
    """

    model = models.CharField("模型", max_length=100)
    key = models.CharField("自然键", max_length=200)
    values = models.JSONField("载入值")
    loaded_at = models.DateTimeField("载入时间", auto_now=True)

    class Meta:
        verbose_name = "政策载入记录"
        verbose_name_plural = "政策载入记录"
        constraints = [models.UniqueConstraint(fields=["model", "key"], name="core_policyrecord_unique_key")]

    def __str__(self) -> str:
        return f"{self.model}:{self.key}"


class WorkerHeartbeat(models.Model):
    """Written by the Celery health task: proves a worker really consumes the queue."""

    name = models.CharField("名称", max_length=50, unique=True)
    hostname = models.CharField("工作进程", max_length=200, blank=True)
    requested_at = models.DateTimeField("发出时间", null=True, blank=True)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务心跳"
        verbose_name_plural = "后台任务心跳"

    def __str__(self) -> str:
        return self.name


class JobClaim(models.Model):
    """Which run of a scheduled job is doing its work now (``core.jobs.claimed``).

    A run claims the job with one conditional UPDATE before it builds anything; a second run at the
    same time (a second beat, a retry, the office's 立即执行) finds it held and does nothing. The
    claim is released at the end of the run; one left by a killed worker expires at ``held_until``.
    """

    job = models.CharField("计划任务", max_length=100, unique=True)
    holder = models.CharField("当前执行者", max_length=64, blank=True)
    held_until = models.DateTimeField("占用至", null=True, blank=True)
    started_at = models.DateTimeField("最近开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("最近结束时间", null=True, blank=True)
    skipped = models.PositiveIntegerField("因正在执行而跳过的次数", default=0)

    class Meta:
        verbose_name = "计划任务执行占用"
        verbose_name_plural = "计划任务执行占用"

    def __str__(self) -> str:
        return self.job


class StoredDocument(models.Model):
    """A generated file (report, export) kept for download by the office."""

    class Kind(models.TextChoices):
        HALF_YEAR_REPORT = "half_year_report", "进度报告"
        FINAL_EVALUATION = "final_evaluation", "终期评估"
        EXPORT = "export", "导出文件"
        IMPORT_SOURCE = "import_source", "导入原始文件"

    kind = models.CharField("类型", max_length=30, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    key = models.CharField(
        "业务键", max_length=100, blank=True, help_text="例如 2025H1，用于重建时覆盖同一报告"
    )
    file = models.FileField("文件", upload_to="documents/%Y/%m/")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="生成人", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = "文档"
        verbose_name_plural = "文档"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class StoredFile(models.Model):
    """The SHA-256 and size of one stored upload or generated file, taken when it was written.

    Written by ``core.storage.CheckedFileSystemStorage`` in the same transaction as the row that
    refers to the file; a download and ``manage.py check_files`` compare the file with it.
    """

    name = models.CharField("存储路径", max_length=500, unique=True)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("字节数")
    created_at = models.DateTimeField("写入时间", auto_now_add=True)

    class Meta:
        verbose_name = "文件校验记录"
        verbose_name_plural = "文件校验记录"

    def __str__(self) -> str:
        return self.name


class FileCheckRun(models.Model):
    """The result of the last ``check_files`` (the health page shows it without re-reading every file)."""

    checked_at = models.DateTimeField("检查时间", auto_now_add=True)
    files = models.PositiveIntegerField("登记文件数", default=0)
    missing = models.JSONField("缺失文件", default=list)
    damaged = models.JSONField("损坏文件", default=list)
    orphans = models.JSONField("无主文件", default=list)

    unrecorded: list[str]  # not stored: set by core.filecheck.check_files for its report

    class Meta:
        verbose_name = "文件检查记录"
        verbose_name_plural = "文件检查记录"
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"文件检查 {self.checked_at:%Y-%m-%d %H:%M}"


class PolicyDocument(models.Model):
    """The policy document the platform implements and the identity of the county and its office, as the
    policy pack (pack.yaml) gives them. Every page and document names them from here, never from code."""

    code = models.SlugField("代码", max_length=60, unique=True)
    pack_code = models.SlugField("政策包代码", max_length=60, blank=True)
    city_name = models.CharField("县市名称", max_length=50, blank=True, help_text="如：某某市、某某县")
    short_name = models.CharField("县市简称", max_length=20, blank=True)
    platform_name = models.CharField("平台名称", max_length=100, blank=True)
    committee_name = models.CharField("委员会名称", max_length=100, blank=True)
    program_name = models.CharField(
        "工作名称", max_length=50, blank=True, help_text="如：质量强县及品牌建设（报告、考核的标题用）"
    )
    meeting_name = models.CharField("联席会议名称", max_length=100, blank=True)
    title = models.CharField("文件标题", max_length=200)
    document_number = models.CharField("文号", max_length=50)
    issuer = models.CharField("发文机关", max_length=100, blank=True)
    issued_on = models.DateField("印发日期", null=True, blank=True)
    office_name = models.CharField("办公室名称", max_length=100, blank=True)
    office_unit = models.CharField("办公室设在", max_length=100, blank=True)
    office_text = models.TextField("办公室职责（附件1原文）", blank=True)

    class Meta:
        verbose_name = "政策文件"
        verbose_name_plural = "政策文件"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.document_number or self.title

    @property
    def office_seat_text(self) -> str:
        """办公室（设在所在单位）, as notices name where objections go."""
        return f"{self.office_name}（设在{self.office_unit}）" if self.office_unit else self.office_name

    @property
    def meeting_rules_title(self) -> str:
        """《…联席会议制度》, as documents cite the joint meeting's rules."""
        return f"《{self.meeting_name}制度》"

    @property
    def citation(self) -> str:
        """《title》（number）, as documents cite it."""
        return f"《{self.title}》（{self.document_number}）"

    @property
    def citation_dated(self) -> str:
        issued = (
            f"，{self.issued_on.year}年{self.issued_on.month}月{self.issued_on.day}日印发"
            if self.issued_on
            else ""
        )
        return f"《{self.title}》（{self.document_number}{issued}）"


class CalendarYear(models.Model):
    """A year whose working-day arrangement the office has entered (the State Council's notice).

    With a row here the year counts as known even where chinesecalendar does not know it."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    source = models.CharField(
        "依据", max_length=200, blank=True, help_text="例如 国务院办公厅关于2027年部分节假日安排的通知"
    )
    confirmed_at = models.DateTimeField("录入时间", auto_now=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "年度工作日历"
        verbose_name_plural = "年度工作日历"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=2000) & models.Q(year__lte=2100),
                name="core_calendaryear_year_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年工作日历"


class ImportBatch(models.Model):
    """One uploaded spreadsheet of any import (``core.imports``): its file, every row as checked,
    who uploaded and who confirmed it. Stored only when every row passed; applied on confirmation."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "待确认"
        APPLIED = "applied", "已导入"
        DISCARDED = "discarded", "已放弃"

    kind = models.CharField("类型", max_length=40, help_text="导入类型（core.imports 中登记的名称）")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PREVIEW)
    file = models.FileField("原始文件", upload_to="imports/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    summary = models.CharField("说明", max_length=300, blank=True, help_text="导入对象、来源等")
    params = models.JSONField("导入参数", default=dict, blank=True)
    rows = models.JSONField("解析结果", default=list)
    errors = models.JSONField("错误", default=list, blank=True)
    row_count = models.PositiveIntegerField("行数", default=0)
    result = models.CharField("导入结果", max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    applied_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="applied") | models.Q(applied_at__isnull=False),
                name="core_importbatch_applied_has_time",
            ),
        ]
        indexes = [
            # a confirm button without the batch in its URL: the person's latest batch of one kind
            models.Index(fields=["uploaded_by", "kind", "-uploaded_at"], name="core_importbatch_mine"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name}（{self.get_status_display()}）"
