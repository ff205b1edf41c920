"""Enterprises: public registration (enterprise + its first user) and verification by the office."""

from django.contrib.auth.password_validation import validate_password
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core.errors import ServiceError, refused_as
from notifications.services import notify

from ..models import Enterprise
from ..validators import credit_code_of
from ._workflow import require_office

DUPLICATE_ENTERPRISE = "该统一社会信用代码已经注册。一个统一社会信用代码只能注册一家企业；如需新增账户，请联系本企业已注册的用户；如认为被他人冒用，请提交注册核查申请。"


def enterprise_register(
    *,
    name: str,
    credit_code: str,
    address: str,
    contact_person: str,
    contact_phone: str,
    licence: UploadedFile | None,
    username: str,
    password: str,
    full_name: str,
    phone: str,
    email: str,
) -> tuple[Enterprise, User]:
    """Create an enterprise and its first enterprise user together (all or nothing)."""
    with refused_as("bad_credit_code"):
        code = credit_code_of(credit_code)
    with transaction.atomic():
        if Enterprise.objects.filter(credit_code=code, rejected_at__isnull=True).exists():
            raise ServiceError({"credit_code": DUPLICATE_ENTERPRISE}, code="duplicate_enterprise")
        if User.objects.filter(username__iexact=username).exists():
            raise ServiceError({"username": "该用户名已被使用，请换一个。"}, code="username_taken")
        enterprise = Enterprise(
            name=name.strip(),
            credit_code=code,
            address=address.strip(),
            contact_person=contact_person.strip(),
            contact_phone=contact_phone.strip(),
        )
        user = User(
            username=username,
            role=User.Role.ENTERPRISE,
            full_name=full_name.strip(),
            phone=phone.strip(),
            email=email.strip(),
        )
        with refused_as("weak_password"):
            validate_password(password, user)
        try:
            # race: two registrations of the same code or username at once; the unique indexes decide
            with transaction.atomic():
                enterprise.save()
                if licence:
                    enterprise.licence.save(f"licence{_suffix(licence.name)}", licence, save=True)
                user.enterprise = enterprise
                user.set_password(password)
                user.save()
        except IntegrityError as exc:
            raise ServiceError(DUPLICATE_ENTERPRISE, code="duplicate_enterprise") from exc
        # the office hears of new registrations once a day (registrations_digest), not one by one
    return enterprise, user


def _suffix(filename: str | None) -> str:
    lowered = (filename or "").lower()
    for ext in (".pdf", ".png", ".jpg", ".jpeg"):
        if lowered.endswith(ext):
            return ext
    return ""


def enterprise_verify(*, enterprise: Enterprise, by: User) -> Enterprise:
    """Record that the office has checked the enterprise (licence against the credit code)."""
    require_office(by)
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        if enterprise.is_verified:
            raise ServiceError("该企业已经核验，无需重复核验。", code="already_verified")
        if not enterprise.licence:
            raise ServiceError(
                "该企业尚未上传营业执照，不能核验通过。请企业在“企业信息”中上传营业执照后再核验，"
                "或选择“核验不通过”并写明理由。",
                code="no_licence",
            )
        enterprise.verified_at = timezone.now()
        enterprise.verified_by = by
        enterprise.refusal_reason, enterprise.refused_at, enterprise.refused_by = "", None, None
        enterprise.save()
        notify(
            occasion=f"enterprise:{enterprise.pk}:verified",
            recipients=User.objects.filter(enterprise=enterprise, is_active=True),
            subject="企业信息已通过核验",
            body=f"{enterprise.name} 的企业信息已通过办公室核验，您提交的奖励申报将进入审核。",
            url=enterprise.get_absolute_url(),
        )
    return enterprise


def enterprise_refuse_verification(*, enterprise: Enterprise, by: User, reason: str) -> Enterprise:
    """The office does not verify the enterprise (licence missing, unreadable, name or code differ),
    with a reason the enterprise is told; it may upload a new licence and is checked again."""
    require_office(by)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(
            {"reason": "请写明核验不通过的理由，企业将看到该理由并据此补正。"}, code="reason_required"
        )
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        if enterprise.is_verified:
            raise ServiceError("该企业已经核验通过，不能再标记为不通过。", code="already_verified")
        enterprise.refusal_reason, enterprise.refused_at, enterprise.refused_by = reason, timezone.now(), by
        enterprise.save(update_fields=["refusal_reason", "refused_at", "refused_by"])
        notify(
            occasion=f"enterprise:{enterprise.pk}:refused:{enterprise.refused_at:%Y%m%d%H%M%S}",
            recipients=User.objects.filter(enterprise=enterprise, is_active=True),
            subject="企业信息未通过核验",
            body=f"{enterprise.name} 的企业信息未通过办公室核验，理由：{reason} 请在“企业信息”中补正（如重新上传营业执照）。",
            url=enterprise.get_absolute_url(),
        )
    return enterprise


def enterprise_update_contact(
    *,
    enterprise: Enterprise,
    by: User,
    address: str,
    contact_person: str,
    contact_phone: str,
    licence: UploadedFile | None = None,
) -> Enterprise:
    """Enterprise users keep their address and contact up to date; name and code stay as verified.
    A new licence (before verification) replaces the old one and asks the office to check again."""
    if by.enterprise_id != enterprise.pk and not by.is_office:
        raise ServiceError("只能修改本企业的信息。", code="not_own")
    if licence and enterprise.is_verified:
        raise ServiceError(
            {"licence": "企业已核验通过，营业执照不能再更换；如有变更请联系办公室。"}, code="licence_locked"
        )
    enterprise.address = address.strip()
    enterprise.contact_person = contact_person.strip()
    enterprise.contact_phone = contact_phone.strip()
    fields = ["address", "contact_person", "contact_phone"]
    if licence:
        enterprise.licence.save(f"licence{_suffix(licence.name)}", licence, save=False)
        enterprise.refusal_reason, enterprise.refused_at, enterprise.refused_by = "", None, None
        fields += ["licence", "refusal_reason", "refused_at", "refused_by"]
    enterprise.save(update_fields=fields)
    return enterprise
