"""Enterprises: public registration (enterprise + its first user) and verification by the office."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from notifications.services import notify

from ..models import Enterprise
from ..validators import validate_credit_code
from ._workflow import require_office

DUPLICATE_ENTERPRISE = "该统一社会信用代码已经注册。一个统一社会信用代码只能注册一家企业；如需新增账户，请联系本企业已注册的用户；如认为被他人冒用，请提交注册核查申请。"


def enterprise_register(
    *,
    name: str,
    credit_code: str,
    address: str,
    contact_person: str,
    contact_phone: str,
    licence,
    username: str,
    password: str,
    full_name: str,
    phone: str,
    email: str,
) -> tuple[Enterprise, User]:
    """Create an enterprise and its first enterprise user together (all or nothing)."""
    code = validate_credit_code(credit_code)
    with transaction.atomic():
        if Enterprise.objects.filter(credit_code=code, rejected_at__isnull=True).exists():
            raise ValidationError({"credit_code": DUPLICATE_ENTERPRISE})
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": "该用户名已被使用，请换一个。"})
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
            raise ValidationError(DUPLICATE_ENTERPRISE) from exc
        # the office hears of new registrations once a day (registrations_digest), not one by one
    return enterprise, user


def _suffix(filename: str) -> str:
    lowered = (filename or "").lower()
    for ext in (".pdf", ".png", ".jpg", ".jpeg"):
        if lowered.endswith(ext):
            return ext
    return ""


def enterprise_verify(*, enterprise: Enterprise, verified_by: User) -> Enterprise:
    """Record that the office has checked the enterprise (licence against the credit code)."""
    require_office(verified_by)
    with transaction.atomic():
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        if enterprise.is_verified:
            raise ValidationError("该企业已经核验，无需重复核验。", code="already_verified")
        enterprise.verified_at = timezone.now()
        enterprise.verified_by = verified_by
        enterprise.save()
        notify(
            occasion=f"enterprise:{enterprise.pk}:verified",
            recipients=User.objects.filter(enterprise=enterprise, is_active=True),
            subject="企业信息已通过核验",
            body=f"{enterprise.name} 的企业信息已通过办公室核验，您提交的奖励申报将进入审核。",
            url=enterprise.get_absolute_url(),
        )
    return enterprise


def enterprise_update_contact(
    *, enterprise: Enterprise, updated_by: User, address: str, contact_person: str, contact_phone: str
) -> Enterprise:
    """Enterprise users keep their address and contact up to date; name and code stay as verified."""
    if updated_by.enterprise_id != enterprise.pk and not updated_by.is_office:
        raise ValidationError("只能修改本企业的信息。")
    enterprise.address = address.strip()
    enterprise.contact_person = contact_person.strip()
    enterprise.contact_phone = contact_phone.strip()
    enterprise.save(update_fields=["address", "contact_person", "contact_phone"])
    return enterprise
