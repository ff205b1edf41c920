"""Forms validate and normalise only; saving is the services' job."""

from collections.abc import Iterable
from typing import Any, TypedDict

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from accounts.models import User
from core.fields import ProgrammeYearField, form_field
from core.rhythm import RHYTHM_CHOICES
from core.uploads import validate_upload

from .formatting import wan
from .models import (
    MAX_AMOUNT_YUAN,
    Application,
    Enterprise,
    FundingRequestItem,
    FundingSource,
    Objection,
    RewardItem,
    RewardTier,
)
from .services import Decision
from .services.enterprises import DUPLICATE_ENTERPRISE
from .validators import credit_code_of

MAX_FILES = 10


def funding_choices_or_all() -> list[tuple[str, str]]:
    return [("", "全部"), *FundingSource.as_choices()]


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def money_field(label: str) -> forms.IntegerField:
    """An amount of money in whole 元, bounded (1 元 to 1 亿元): never a 500 from the database."""
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=MAX_AMOUNT_YUAN,
        error_messages={
            "invalid": "请填写整数金额（元），不含小数点和单位。",
            "min_value": "金额须为正整数（元），不能为零或负数。",
            "max_value": f"金额超出合理范围：不能超过 {MAX_AMOUNT_YUAN:,} 元（1 亿元）。",
        },
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several attachments in one input, each checked by its content and size."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_FILES:
            raise ValidationError(f"一次最多上传 {MAX_FILES} 个文件。")
        errors = []
        for upload in files:
            try:
                validate_upload(upload, kinds=("pdf", "jpg", "png"), max_bytes=settings.MAX_ATTACHMENT_BYTES)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return list(files)


def _limit_mb() -> str:
    return f"{settings.MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB"


class RegistrationForm(forms.Form):
    name = forms.CharField(label="企业名称", max_length=200)
    credit_code = forms.CharField(
        label="统一社会信用代码", max_length=40, help_text="18 位，见营业执照；系统按 GB 32100 校验位核对"
    )
    address = forms.CharField(label="企业地址", max_length=200)
    contact_person = forms.CharField(label="联系人", max_length=50)
    contact_phone = forms.CharField(label="联系电话", max_length=30)
    licence = forms.FileField(label="营业执照", help_text="PDF、JPG 或 PNG 扫描件")
    username = forms.CharField(
        label="登录用户名",
        max_length=150,
        validators=[User.username_validator],
        help_text="字母、数字或 @.+-_",
    )
    full_name = forms.CharField(label="您的姓名", max_length=50)
    phone = forms.CharField(label="手机号", max_length=20)
    email = forms.EmailField(label="电子邮箱", help_text="审核进展将发送到此邮箱")
    password1 = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label="确认密码", strip=False, widget=forms.PasswordInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["licence"].help_text = f"PDF、JPG 或 PNG 扫描件，不超过 {_limit_mb()}"

    def clean_credit_code(self) -> str:
        code = credit_code_of(self.cleaned_data["credit_code"])
        if Enterprise.objects.filter(credit_code=code, rejected_at__isnull=True).exists():
            raise ValidationError(DUPLICATE_ENTERPRISE, code="taken")
        return code

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("该用户名已被使用，请换一个。")
        return username

    def clean_licence(self) -> UploadedFile:
        licence: UploadedFile = self.cleaned_data["licence"]
        validate_upload(licence, kinds=("pdf", "jpg", "png"), max_bytes=settings.MAX_ATTACHMENT_BYTES)
        return licence

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "两次输入的密码不一致。")
        elif p1:
            probe = User(
                username=data.get("username", ""),
                full_name=data.get("full_name", ""),
                email=data.get("email", ""),
            )
            try:
                validate_password(p1, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class ReviewRequestForm(RegistrationForm):
    """Registration's fields, for a company whose code is taken, plus what it has to say."""

    explanation = forms.CharField(
        label="情况说明",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="请说明您与该企业的关系，以及为何认为该代码被他人注册",
    )
    address = None  # type: ignore[assignment]  # Django's way to drop an inherited form field

    def clean_credit_code(self) -> str:
        code = credit_code_of(self.cleaned_data["credit_code"])
        if not Enterprise.objects.filter(credit_code=code, rejected_at__isnull=True).exists():
            raise ValidationError("该统一社会信用代码尚未注册，请直接注册企业。", code="not_taken")
        return code


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class EnterpriseContactForm(forms.Form):
    address = forms.CharField(label="企业地址", max_length=200)
    contact_person = forms.CharField(label="联系人", max_length=50)
    contact_phone = forms.CharField(label="联系电话", max_length=30)
    licence = forms.FileField(
        label="重新上传营业执照",
        required=False,
        help_text="PDF、JPG 或 PNG 扫描件；核验通过前可更换，更换后办公室将重新核验",
    )

    def __init__(self, *args: Any, verified: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if verified:
            del self.fields["licence"]

    def clean_licence(self) -> UploadedFile | None:
        licence: UploadedFile | None = self.cleaned_data.get("licence")
        if licence:
            validate_upload(licence, kinds=("pdf", "jpg", "png"), max_bytes=settings.MAX_ATTACHMENT_BYTES)
        return licence


class VerificationRefusalForm(forms.Form):
    reason = forms.CharField(
        label="不通过理由",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="企业将看到该理由，例如：营业执照不清晰，请重新上传；执照上的名称与登记名称不一致。",
        error_messages={"required": "请写明核验不通过的理由，企业将看到该理由并据此补正。"},
    )


class RewardItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: RewardItem) -> str:
        return f"{obj.name}（{wan(obj.amount_yuan)}）"


def tier_choices() -> list[tuple[str, str] | tuple[str, list[tuple[str, str]]]]:
    """The tiers of the active lines, grouped by line; a tier's code is read with its line."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for t in RewardTier.objects.filter(reward_item__active=True).select_related("reward_item"):
        groups.setdefault(t.reward_item.name, []).append((t.code, f"{t.name}（{wan(t.amount_yuan)}）"))
    return [("", "不分等级"), *groups.items()]


class ApplicationForm(forms.Form):
    """One form for 保存草稿, 检查 and 提交: submission needs everything, a draft only the item."""

    INTENTS = ("draft", "check", "submit")

    reward_item = RewardItemChoiceField(
        label="奖励项目",
        queryset=RewardItem.objects.filter(active=True),
        to_field_name="code",
        empty_label="请选择",
    )
    tier = forms.ChoiceField(
        label="奖励等级",
        required=False,
        help_text="分等级奖励的奖项须选择等级，金额随等级确定；其他奖项不选",
    )
    award_date = forms.DateField(
        label="获奖（发布）日期", required=False, widget=DATE, help_text="证书或文件上的日期"
    )
    reference = forms.CharField(
        label="证书/标准/商标编号",
        max_length=100,
        required=False,
        help_text="如证书编号、标准号（GB/T …）、商标注册号",
    )
    issuing_body = forms.CharField(label="颁发（发布）机构", max_length=200, required=False)
    description = forms.CharField(label="申报说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    attachments = MultipleFileField(label="证明材料")
    declaration = forms.BooleanField(
        label="本单位承诺：所填信息及所附材料真实、准确、完整，如有虚假，愿承担相应责任并退回奖励资金。",
        required=False,
    )

    def __init__(
        self, *args: Any, intent: str = "draft", existing_attachments: int = 0, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.intent = intent if intent in self.INTENTS else "draft"
        self.existing_attachments = existing_attachments
        tier = form_field(self, "tier", forms.ChoiceField)
        tier.choices = tier_choices()
        self.tiered = len(tier.choices) > 1  # no tiered line: the field is not shown
        self.fields[
            "attachments"
        ].help_text = f"获奖证书、标准文本或商标注册证等，PDF、JPG 或 PNG，单个不超过 {_limit_mb()}，可多选"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if self.intent != "submit":
            return data
        for name, message in (
            ("award_date", "请填写获奖（发布）日期。"),
            ("reference", "请填写证书、标准或商标编号。"),
            ("issuing_body", "请填写颁发（发布）机构。"),
        ):
            if name in data and not data.get(name):
                self.add_error(name, message)
        if "attachments" in data and not data.get("attachments") and not self.existing_attachments:
            self.add_error("attachments", "请上传至少一份证明材料（如获奖证书）。")
        if not data.get("declaration"):
            self.add_error("declaration", "提交前请阅读并勾选真实性承诺。")
        return data


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="审核结论", choices=Decision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label="意见",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="退回或不予通过时必填，企业可见",
    )

    def __init__(self, *args: Any, second: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        decision = form_field(self, "decision", forms.ChoiceField)
        if second:
            decision.label = "复核结论"
            decision.choices = [
                (Decision.PASS, "复核通过"),
                (Decision.RETURN, "退回初审"),
                (Decision.REJECT, "不予通过"),
            ]
        else:
            decision.choices = [
                (Decision.PASS, "初审通过"),
                (Decision.RETURN, "退回企业补正"),
                (Decision.REJECT, "不予通过"),
            ]


class PublishForm(forms.Form):
    applications = forms.ModelMultipleChoiceField(
        label="拟公示的申报",
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "请至少选择一项复核通过的申报。",
            "invalid_choice": "所选申报已不在待公示列表中。",
        },
    )
    start_date = forms.DateField(label="公示开始日期", widget=DATE)
    contact_phone = forms.CharField(label="异议受理电话", max_length=50)
    contact_address = forms.CharField(label="异议受理地址", max_length=200)
    note = forms.CharField(label="补充说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, queryset: QuerySet[Application] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if queryset is not None:
            form_field(self, "applications", forms.ModelMultipleChoiceField).queryset = queryset


class ObjectionForm(forms.ModelForm):
    class Meta:
        model = Objection
        fields = ["received_on", "objector", "content"]
        widgets = {"received_on": DATE, "content": forms.Textarea(attrs={"rows": 3})}


class ObjectionResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label="核查结论",
        choices=[("dismissed", "异议不成立，继续办理"), ("upheld", "异议成立，不予奖励")],
        widget=forms.RadioSelect,
    )
    resolution = forms.CharField(label="核查意见", widget=forms.Textarea(attrs={"rows": 3}))


class PaymentForm(forms.Form):
    amount_yuan = money_field("实际拨付金额（元）")
    paid_on = forms.DateField(label="拨付日期", widget=DATE)
    voucher_number = forms.CharField(label="凭证号", max_length=60)
    note = forms.CharField(
        label="拨付说明",
        max_length=200,
        required=False,
        help_text="金额与核定金额不一致时必填（如以省级财政拨付为准、分期拨付）；登记后由另一位办公室负责人确认",
    )


class LegacyCorrectionForm(forms.Form):
    amount_yuan = money_field("实际拨付金额（元）")
    paid_on = forms.DateField(label="拨付日期", widget=DATE)
    voucher_number = forms.CharField(label="凭证号", max_length=60, required=False)
    reference = forms.CharField(label="证书/标准/商标编号", max_length=100)
    reason = forms.CharField(label="更正原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ChangeDecisionForm(forms.Form):
    comment = forms.CharField(label="审核意见", max_length=1000, required=False)


class LegacyForm(forms.Form):
    credit_code = forms.CharField(label="统一社会信用代码", max_length=40)
    enterprise_name = forms.CharField(
        label="企业名称", max_length=200, required=False, help_text="企业尚未在平台登记时必填"
    )
    reward_item = forms.ModelChoiceField(
        label="奖励项目", queryset=RewardItem.objects.all(), to_field_name="code", empty_label="请选择"
    )
    tier = forms.ChoiceField(
        label="奖励等级", required=False, help_text="分等级奖励的奖项须选择等级；其他奖项不选"
    )
    award_date = forms.DateField(label="获奖（发布）日期", widget=DATE)
    reference = forms.CharField(label="证书/标准/商标编号", max_length=100)
    issuing_body = forms.CharField(label="颁发（发布）机构", max_length=200, required=False)
    amount_yuan = money_field("实际拨付金额（元）")
    paid_on = forms.DateField(label="拨付日期", widget=DATE)
    voucher_number = forms.CharField(label="凭证号", max_length=60, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)
    approval_number = forms.CharField(
        label="批复文号", max_length=100, required=False, help_text="已知时填写"
    )
    approval_date = forms.DateField(label="批复日期", widget=DATE, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tier = form_field(self, "tier", forms.ChoiceField)
        tier.choices = tier_choices()
        if len(tier.choices) == 1:  # no tiered line: nothing to pick
            del self.fields["tier"]

    def clean_credit_code(self) -> str:
        return credit_code_of(self.cleaned_data["credit_code"])


class XlsxUploadForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        validate_upload(upload, kinds=("xlsx",), max_bytes=settings.MAX_XLSX_BYTES)
        return upload


class RewardItemForm(forms.Form):
    amount_yuan = money_field("奖励金额（元）")
    amount_from = forms.DateField(
        label="新金额适用起始日（按获奖日期，含）",
        widget=DATE,
        required=False,
        help_text="修改金额时必填：获奖日期在该日及以后的申报按新金额核定",
    )
    funding_source = forms.ChoiceField(label="资金来源", choices=FundingSource.as_choices)
    provisional = forms.BooleanField(label="金额以上级拨付为准", required=False)
    active = forms.BooleanField(label="有效（受理申报）", required=False)
    effective_from = forms.DateField(label="适用起始日（含）", widget=DATE)
    reason = forms.CharField(
        label="修改依据", max_length=100, help_text="如文件文号或会议纪要，修改记录长期保存"
    )


class SettingsForm(forms.Form):
    publicity_workdays = forms.IntegerField(label="公示期（工作日）", min_value=1, max_value=30)
    review_service_limit_workdays = forms.IntegerField(
        label="审核服务时限（工作日）", min_value=1, max_value=60
    )


class RhythmSettingsForm(forms.Form):
    """报送周期、截止与提醒、滞后区间 (core.rhythm_settings; checked again by the service)."""

    reporting_rhythm = forms.ChoiceField(label="报送周期", choices=RHYTHM_CHOICES)
    report_due_days_after_half = forms.IntegerField(
        label="报告截止（期末后天数）",
        min_value=1,
        max_value=90,
        help_text="每个报送期次结束后多少天截止报送",
    )
    report_remind_first_days = forms.IntegerField(
        label="第一次截止提醒（截止前天数）", min_value=1, max_value=60
    )
    report_remind_second_days = forms.IntegerField(
        label="第二次截止提醒（截止前天数）", min_value=1, max_value=60
    )
    amber_band_pct = forms.IntegerField(
        label="滞后区间（%）",
        min_value=1,
        max_value=50,
        help_text="落后于进度线不超过目标全程的这一比例为“滞后”，超过为“严重滞后”",
    )


class CalendarDayForm(forms.Form):
    day = forms.DateField(label="日期", widget=DATE)
    is_workday = forms.TypedChoiceField(
        label="安排",
        choices=[("0", "放假（休息日）"), ("1", "调休上班（工作日）")],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label="说明", max_length=100, required=False, help_text="如“2027年春节”")


class FindingRulingForm(forms.Form):
    ruling = forms.ChoiceField(
        label="裁定结论",
        choices=[("not_duplicate", "不构成重复奖励"), ("duplicate", "构成重复奖励")],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label="裁定意见", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class BudgetForm(forms.Form):
    year = ProgrammeYearField(label="年度")
    funding_source = forms.ChoiceField(label="资金来源", choices=FundingSource.as_choices)
    amount_yuan = money_field("预算金额（元）")
    basis = forms.CharField(
        label="依据", max_length=200, help_text="如预算批复文号；经另一位办公室负责人确认后生效"
    )


class FundingRequestForm(forms.Form):
    applications = forms.ModelMultipleChoiceField(
        label="拟报请的申报（同一资金来源）",
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "请至少选择一份待拨付的申报。",
            "invalid_choice": "所选申报已不在待报请列表中。",
        },
    )
    requested_on = forms.DateField(label="报请日期", widget=DATE)

    def __init__(self, *args: Any, queryset: QuerySet[Application] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if queryset is not None:
            form_field(self, "applications", forms.ModelMultipleChoiceField).queryset = queryset


class ReplyDecision(TypedDict):
    """What the reply decided for one application (``FundingReplyForm.decisions``)."""

    approved: bool
    amount_yuan: int | None
    reason: str


class FundingReplyForm(forms.Form):
    """The reply's header; the decision per application comes as decision_<id>, amount_<id>, reason_<id>."""

    reply_number = forms.CharField(label="批复文号", max_length=100, required=False)
    reply_date = forms.DateField(label="批复日期", widget=DATE, required=False)

    def decisions(self, items: Iterable[FundingRequestItem]) -> dict[int, ReplyDecision]:
        data = self.data
        out: dict[int, ReplyDecision] = {}
        for i in items:
            pk = i.application_id
            choice = data.get(f"decision_{pk}", "")
            if choice not in ("approved", "refused"):
                continue
            raw = (data.get(f"amount_{pk}") or "").strip().replace(",", "")
            try:
                amount = int(raw) if raw else None
            except ValueError:
                amount = None
            out[pk] = {
                "approved": choice == "approved",
                "amount_yuan": amount,
                "reason": data.get(f"reason_{pk}", ""),
            }
        return out
