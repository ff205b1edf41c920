"""Registrations the office rejects or reassigns, the review a company asks for when its credit code
is taken, and the office's daily digest of both (instead of a message per registration)."""

import datetime as dt

from django.contrib.auth.password_validation import validate_password
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import office_users
from core.errors import ServiceError, refused_as
from core.history import save_with_history
from notifications.services import notify

from ..models import Application, Enterprise, RegistrationReview
from ..validators import credit_code_of
from ._workflow import require_office

Review = RegistrationReview.Status


def _reason(text: str, what: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise ServiceError(f"请填写{what}，将告知当事人。", code="reason_required")
    return text[:300]


def enterprise_reject(*, enterprise: Enterprise, reason: str, by: User) -> Enterprise:
    """Reject a registration not yet verified and without submitted applications: the credit code
    is free again, the registrant is told why and can no longer act for the enterprise."""
    require_office(by)
    reason = _reason(reason, "驳回理由")
    with transaction.atomic():
        # race: two office users acting on one registration; the row lock serialises them
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        if enterprise.is_rejected:
            raise ServiceError("该企业注册已经驳回。", code="already_rejected")
        if enterprise.is_verified:
            raise ServiceError(
                "该企业已通过核验，不能驳回注册；如账户归属有误，请解除绑定。", code="verified"
            )
        if enterprise.applications.exclude(status=Application.Status.DRAFT).exists():
            raise ServiceError(
                "该企业已有提交的申报，不能驳回注册；如账户归属有误，请解除绑定。", code="has_applications"
            )
        enterprise.rejected_at = timezone.now()
        enterprise.rejected_by = by
        enterprise.rejection_reason = reason
        enterprise.save(update_fields=["rejected_at", "rejected_by", "rejection_reason"])
        notify(
            occasion=f"enterprise:{enterprise.pk}:rejected",
            recipients=User.objects.filter(enterprise=enterprise, is_active=True),
            subject="企业注册未通过办公室核验",
            body=(
                f"{enterprise.name}（{enterprise.credit_code}）的注册已被办公室驳回。理由：{reason}"
                "。如有疑问，请联系委员会办公室。"
            ),
        )
    return enterprise


def enterprise_unbind_user(*, enterprise: Enterprise, user: User, reason: str, by: User) -> User:
    """Take an account away from an enterprise: it is unbound and deactivated (a deactivated account
    receives no messages: the office tells its holder by phone if needed). The reason is kept in
    the enterprise's history."""
    require_office(by)
    reason = _reason(reason, "解除绑定的理由")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.enterprise_id != enterprise.pk:
            raise ServiceError("该账户不属于此企业。", code="not_bound")
        user.enterprise = None
        user.is_active = False
        user.save(update_fields=["enterprise", "is_active"])
        save_with_history(enterprise, by, reason=f"解除账户“{user.username}”的绑定：{reason}")
    return user


def review_request_submit(
    *,
    credit_code: str,
    company_name: str,
    contact_person: str,
    contact_phone: str,
    explanation: str,
    licence: UploadedFile,
    username: str,
    password: str,
    full_name: str,
    phone: str,
    email: str,
) -> RegistrationReview:
    """A company whose code is taken asks for a review; its account waits, inactive, for the office."""
    with refused_as("bad_credit_code"):
        code = credit_code_of(credit_code)
    enterprise = Enterprise.objects.filter(credit_code=code, rejected_at__isnull=True).first()
    if enterprise is None:
        raise ServiceError(
            {"credit_code": "该统一社会信用代码尚未注册，请直接注册企业。"}, code="not_registered"
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError({"username": "该用户名已被使用，请换一个。"}, code="username_taken")
    user = User(
        username=username, role=User.Role.ENTERPRISE, full_name=full_name.strip(), phone=phone.strip(),
        email=email.strip(), is_active=False,
    )  # fmt: skip
    with refused_as("weak_password"):
        validate_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            review = RegistrationReview(
                credit_code=code,
                company_name=company_name.strip(),
                contact_person=contact_person.strip(),
                contact_phone=contact_phone.strip(),
                explanation=explanation.strip(),
                requester=user,
                enterprise=enterprise,
            )
            review.licence.save(f"licence{_suffix(licence.name)}", licence, save=False)
            review.save()
    except IntegrityError as exc:  # race: the same username taken at the same moment
        raise ServiceError({"username": "该用户名已被使用，请换一个。"}, code="username_taken") from exc
    return review


def _suffix(filename: str | None) -> str:
    lowered = (filename or "").lower()
    return next((ext for ext in (".pdf", ".png", ".jpg", ".jpeg") if lowered.endswith(ext)), "")


def _decide(review: RegistrationReview, *, status: str, note: str, by: User) -> RegistrationReview:
    review.status = status
    review.decided_by = by
    review.decided_at = timezone.now()
    review.decision_note = note
    review.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return review


def review_assign(*, review: RegistrationReview, note: str, by: User) -> RegistrationReview:
    """The office finds for the requester: the enterprise's accounts are unbound, the requester's
    account is bound to it and activated; the enterprise is to be verified again."""
    require_office(by)
    note = _reason(note, "处理意见")
    with transaction.atomic():
        # race: a double click or two office users; the row lock makes the second see "assigned"
        review = RegistrationReview.objects.select_for_update().get(pk=review.pk)
        if review.status != Review.OPEN:
            raise ServiceError(f"该申请已处理（{review.get_status_display()}）。", code="decided")
        enterprise = Enterprise.objects.select_for_update().get(pk=review.enterprise_id)
        for holder in User.objects.filter(enterprise=enterprise, is_active=True):
            enterprise_unbind_user(enterprise=enterprise, user=holder, reason=note, by=by)
        requester = User.objects.select_for_update().get(pk=review.requester_id)
        requester.enterprise = enterprise
        requester.is_active = True
        requester.save(update_fields=["enterprise", "is_active"])
        enterprise.name = review.company_name
        enterprise.contact_person = review.contact_person
        enterprise.contact_phone = review.contact_phone
        enterprise.verified_at = None
        enterprise.verified_by = None
        enterprise.save()
        _decide(review, status=Review.ASSIGNED, note=note, by=by)
        notify(
            occasion=f"review:{review.pk}:assigned",
            recipients=[requester],
            subject="注册核查申请已通过",
            body=f"办公室已核实，{enterprise.name} 已转到您的账户“{requester.username}”名下，现在可以登录。{note}",
            url=enterprise.get_absolute_url(),
        )
    return review


def review_decline(*, review: RegistrationReview, note: str, by: User) -> RegistrationReview:
    require_office(by)
    note = _reason(note, "处理意见")
    with transaction.atomic():
        review = RegistrationReview.objects.select_for_update().get(pk=review.pk)
        if review.status != Review.OPEN:
            raise ServiceError(f"该申请已处理（{review.get_status_display()}）。", code="decided")
        return _decide(review, status=Review.DECLINED, note=note, by=by)


def registrations_digest(*, day: dt.date | None = None) -> int:
    """One message per office user a day: registrations waiting for verification and open review
    requests. Idempotent: the occasion is the day, so running twice sends nothing new."""
    day = day or timezone.localdate()
    waiting = Enterprise.objects.filter(verified_at__isnull=True, rejected_at__isnull=True)
    new = waiting.filter(created_at__date__gte=day - dt.timedelta(days=1))
    reviews = RegistrationReview.objects.filter(status=Review.OPEN)
    if not waiting.exists() and not reviews.exists():
        return 0
    lines = [f"待核验企业注册 {waiting.count()} 家（近一日新注册 {new.count()} 家）："]
    lines += [f"· {e.name}（{e.credit_code}）" for e in new.order_by("created_at")[:50]]
    if reviews.exists():
        lines.append(f"待处理的注册核查申请 {reviews.count()} 件：")
        lines += [f"· {r.company_name}（{r.credit_code}）" for r in reviews[:50]]
    rows = notify(
        occasion=f"registrations:digest:{day.isoformat()}",
        recipients=office_users(staff_only=True),
        subject=f"企业注册每日汇总（{day:%m月%d日}）",
        body="\n".join(lines),
    )
    return len(rows)
