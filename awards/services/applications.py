"""What an enterprise does with its applications: drafts, submission, withdrawal, attachments."""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import office_users
from core.errors import ServiceError
from core.history import save_with_history
from notifications.services import notify

from ..models import CLOSED_STATUSES, Application, Attachment, Enterprise, RewardItem
from ..validators import canonical_reference
from ._workflow import Action, Status, lock, record, refuse_state, wan
from .eligibility import EligibilityResult, check_eligibility, duplicate_message
from .integrity import findings_record


def _require_own(enterprise: Enterprise, user: User) -> None:
    if user.enterprise_id != enterprise.pk:
        raise PermissionDenied("只能为本企业办理申报。")


def _store_attachments(
    application: Application, files: Sequence[UploadedFile], user: User
) -> list[Attachment]:
    """Files already checked by the form (core.uploads.validate_upload): size and real content."""
    from core.uploads import detect_kind

    stored = []
    for upload in files:
        stored.append(
            Attachment.objects.create(
                application=application,
                file=upload,
                original_name=(upload.name or "附件")[:200],
                kind=detect_kind(upload) or "",
                size=upload.size or 0,
                uploaded_by=user,
            )
        )
    return stored


def _save_unique(application: Application, *, create: bool, by: User, reason: str | None = None) -> None:
    """Save with ``by`` (and ``reason``) in the history, turning a violation of 同一奖项不得重复奖励
    into the Chinese message.

    race: two submissions of the same award at once both pass check_eligibility; the partial
    unique constraint lets one INSERT/UPDATE through and the other fails here.
    """
    try:
        with transaction.atomic():  # savepoint: the caller's transaction stays usable
            save_with_history(application, by, force_insert=create, reason=reason)
    except IntegrityError as exc:
        if "awards_application_one_live_per_award" in str(exc) or "UNIQUE" in str(exc).upper():
            raise ServiceError(duplicate_message(_collides_with(application)), code="duplicate") from exc
        raise


def _collides_with(application: Application) -> Application | None:
    """The live record of the same enterprise, item and canonical reference that won the race."""
    return (
        Application.objects.filter(
            enterprise_id=application.enterprise_id,
            reward_item_id=application.reward_item_id,
            reference_canonical=application.reference_canonical,
        )
        .exclude(status__in=CLOSED_STATUSES)
        .exclude(pk=application.pk)
        .order_by("id")
        .first()
    )


def _editable(application: Application | None, enterprise: Enterprise, user: User, what: str) -> Application:
    """A new application, or the existing one locked and checked: this enterprise's, still editable."""
    if application is None:
        return Application(enterprise=enterprise, created_by=user)
    application = lock(application)
    if application.enterprise_id != enterprise.pk:
        raise PermissionDenied("只能为本企业办理申报。")
    if not application.is_editable:
        raise refuse_state(application, what)
    return application


def _fill(
    application: Application, award_date: dt.date | None, reference: str, issuing_body: str, description: str
) -> None:
    application.award_date = award_date
    application.reference = reference.strip()
    application.reference_canonical = canonical_reference(reference)
    application.issuing_body = issuing_body.strip()
    application.description = description.strip()
    application.updated_at = timezone.now()


def application_save_draft(
    *,
    enterprise: Enterprise,
    reward_code: str,
    by: User,
    award_date: dt.date | None = None,
    reference: str = "",
    issuing_body: str = "",
    description: str = "",
    application: Application | None = None,
    attachments: Sequence[UploadedFile] = (),
    tier: str = "",
) -> Application:
    """Create or update a draft; nothing is checked but the reward item and duplicates."""
    _require_own(enterprise, by)
    item = RewardItem.objects.filter(code=reward_code, active=True).first()
    if item is None:
        raise ServiceError("请选择有效的奖励项目。", code="unknown_item")
    with transaction.atomic():
        create = application is None
        application = _editable(application, enterprise, by, "修改")
        application.reward_item = item
        # a tier of another line (or none) is kept as none: submission explains what to pick
        application.reward_tier = item.tiers.filter(code=(tier or "").strip()).first() if tier else None
        _fill(application, award_date, reference, issuing_body, description)
        _save_unique(application, create=create, by=by)
        _store_attachments(application, attachments, by)
        if create:
            record(application, action=Action.CREATE, from_status="", actor=by, notify_enterprise=False)
    return application


def application_submit(
    *,
    enterprise: Enterprise,
    reward_code: str,
    award_date: dt.date | None,
    reference: str,
    by: User,
    issuing_body: str = "",
    description: str = "",
    application: Application | None = None,
    attachments: Sequence[UploadedFile] = (),
    today: dt.date | None = None,
    tier: str = "",
) -> Application:
    """Submit an application (new, a draft, or one returned for correction).

    The rules are those of ``check_eligibility``; the amount, funding source and provisional flag
    it concludes are stored on the application (the assessment it keeps). Raises ServiceError
    (code ``not_eligible``) with the Chinese reasons when the application is not allowed; nothing is
    then changed. The caller has obtained the declaration of truth (the form requires it).
    """
    _require_own(enterprise, by)
    with transaction.atomic():
        create = application is None
        application = _editable(application, enterprise, by, "提交")
        from_status = "" if create else application.status
        result = check_eligibility(
            enterprise=enterprise,
            reward_code=reward_code,
            award_date=award_date,
            reference=reference,
            today=today,
            exclude_application_id=application.pk,
            tier=tier,
        )
        if not result.eligible:
            raise ServiceError(result.reasons, code="not_eligible")
        _apply_assessment(application, result)
        _fill(application, award_date, reference, issuing_body, description)
        application.status = Status.SUBMITTED
        application.declared_at = application.submitted_at = application.updated_at
        application.submission_count += 1
        _save_unique(application, create=create, by=by)
        _store_attachments(application, attachments, by)
        action = Action.RESUBMIT if from_status == Status.RETURNED else Action.SUBMIT
        findings_record(application=application, found_on="企业提交申报")
        record(application, action=action, from_status=from_status, actor=by)
        _notify_office_of_submission(application)
    return application


def _apply_assessment(application: Application, result: EligibilityResult) -> None:
    assert result.reward_item is not None  # an eligible result names its line
    application.reward_item = result.reward_item
    application.reward_tier = result.tier
    application.amount_yuan = result.amount_yuan
    application.standard_amount_yuan = result.standard_amount_yuan
    application.amount_notes = list(result.notes)
    application.funding_source_id = result.funding_source or None
    application.provisional = result.provisional
    application.review_flags = list(result.flags)


def _notify_office_of_submission(application: Application) -> None:
    n = application.submission_count
    again = "（补正后重新提交）" if n > 1 else ""
    notify(
        occasion=f"application:{application.pk}:submitted:{n}",
        recipients=office_users(staff_only=True),
        subject=f"新的奖励申报待初审：{application.enterprise.name}",
        body=(
            f"{application.enterprise.name} 提交了奖励申报 {application.code}{again}："
            f"{application.reward_item.name}，核定金额 {wan(application.amount_yuan)}。请办理初审。"
        ),
        url=application.get_absolute_url(),
    )


def application_withdraw(*, application: Application, by: User, reason: str = "") -> Application:
    """Withdraw a draft or an application not yet reviewed (已提交 / 退回补正)."""
    with transaction.atomic():
        application = lock(application)
        _require_own(application.enterprise, by)
        if not application.is_withdrawable:
            raise refuse_state(application, "撤回（已进入审核的申报不能撤回）")
        from_status = application.status
        application.status = Status.WITHDRAWN
        application.updated_at = timezone.now()
        application.save()
        record(application, action=Action.WITHDRAW, from_status=from_status, actor=by, comment=reason)
    return application


def attachment_remove(*, attachment: Attachment, by: User) -> None:
    """Remove evidence from an application still being edited (草稿 / 退回补正)."""
    with transaction.atomic():
        application = lock(attachment.application)
        _require_own(application.enterprise, by)
        if not application.is_editable:
            raise refuse_state(application, "删除材料")
        name, storage = attachment.file.name, attachment.file.storage
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(name))
