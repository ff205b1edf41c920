"""初审 by office staff, 复核 by an office approver who is never the first reviewer."""

from typing import TypeAlias

from django.db import models, transaction
from django.utils import timezone

from accounts.models import User
from core.errors import ServiceError

from ..models import Application, DuplicateFinding, Enterprise
from ._workflow import Action, Status, lock, record, refuse_state, require_approver, require_office
from .integrity import open_findings
from .rules import assess_amount


class Decision(models.TextChoices):
    PASS = "pass", "通过"
    RETURN = "return", "退回"
    REJECT = "reject", "不予通过"


# decision → (new state, the step recorded, whose signature: first/second reviewer or nobody)
Outcome: TypeAlias = tuple[str, str, str | None]
FIRST_REVIEW: dict[str, Outcome] = {
    Decision.PASS: (Status.FIRST_PASSED, Action.FIRST_PASS, "first"),
    Decision.RETURN: (Status.RETURNED, Action.RETURN, None),
    Decision.REJECT: (Status.REJECTED, Action.FIRST_REJECT, "first"),
}
SECOND_REVIEW: dict[str, Outcome] = {
    Decision.PASS: (Status.SECOND_PASSED, Action.SECOND_PASS, "second"),
    Decision.RETURN: (Status.SUBMITTED, Action.SECOND_RETURN, None),
    Decision.REJECT: (Status.REJECTED, Action.SECOND_REJECT, "second"),
}


def _clean(decision: str, comment: str) -> str:
    if decision not in Decision.values:
        raise ServiceError("请选择审核结论。", code="bad_decision")
    comment = (comment or "").strip()
    if decision == Decision.RETURN and not comment:
        raise ServiceError("退回时请写明需要补正或重新审核的内容。", code="comment_required")
    if decision == Decision.REJECT and not comment:
        raise ServiceError("不予通过时请写明理由，企业将看到该理由。", code="comment_required")
    return comment


def _decide(application: Application, *, outcome: Outcome, by: User, comment: str) -> Application:
    status, action, signer = outcome
    now = timezone.now()
    from_status = application.status
    application.status = status
    if signer:
        setattr(application, f"{signer}_reviewed_by", by)
        setattr(application, f"{signer}_reviewed_at", now)
    application.updated_at = now
    application.save()
    record(application, action=action, from_status=from_status, actor=by, comment=comment)
    return application


def application_first_review(
    *, application: Application, by: User, decision: str, comment: str = ""
) -> Application:
    """初审: pass, return to the enterprise for correction, or reject (with a reason)."""
    require_office(by)
    comment = _clean(decision, comment)
    with transaction.atomic():
        application = lock(application)
        if application.status != Status.SUBMITTED:
            raise refuse_state(application, "办理初审")
        if not application.enterprise.is_verified:
            raise ServiceError(
                "该企业尚未通过办公室核验，请先在“企业核验”中核验企业信息，再审核其申报。",
                code="enterprise_unverified",
            )
        return _decide(application, outcome=FIRST_REVIEW[decision], by=by, comment=comment)


def application_second_review(
    *, application: Application, by: User, decision: str, comment: str = ""
) -> Application:
    """复核 by an office approver: pass, send back to 初审, or reject. Never the first reviewer."""
    require_approver(by)
    comment = _clean(decision, comment)
    with transaction.atomic():
        application = lock(application)
        if application.status != Status.FIRST_PASSED:
            raise refuse_state(application, "复核")
        # separation of duties for money (docs/design.md); the database check constraint holds it too
        if application.first_reviewed_by_id == by.pk:
            raise ServiceError(
                "复核人不能与初审人为同一人：该申报由您办理初审，请由另一位办公室负责人复核。",
                code="same_reviewer",
            )
        if decision == Decision.PASS:
            _require_rulings(application)
            comment = _reassess(application, comment)
        if decision == Decision.RETURN:  # back to 初审: the next first review is a fresh one
            application.first_reviewed_by = None
            application.first_reviewed_at = None
        return _decide(application, outcome=SECOND_REVIEW[decision], by=by, comment=comment)


def _reassess(application: Application, comment: str) -> str:
    """The amount again, now that other awards of the enterprise may have passed 复核 since the
    submission: 按最高标准 (a difference), 补差 and the yearly cap count what passed 复核 or was paid.

    race: two approvers passing two applications of one enterprise at once would each see the
    other still under review and together exceed the cap (or pay a group twice); the lock on the
    enterprise's row serialises them, and the second one reads what the first one committed.
    """
    Enterprise.objects.select_for_update().filter(pk=application.enterprise_id).first()
    award_date = application.award_date
    if award_date is None:  # never for a submitted application: application_submit requires the date
        raise ServiceError("该申报没有获奖日期，不能复核。", code="no_award_date")
    result = assess_amount(
        enterprise=application.enterprise,
        item=application.reward_item,
        tier=application.reward_tier,
        award_date=award_date,
        exclude_id=application.pk,
        standard=application.standard_amount_yuan or application.amount_yuan,
    )
    if result.refusal:
        raise ServiceError(
            f"复核时重新核定金额：{result.refusal}请选择“不予通过”并写明理由。", code="pays_nothing"
        )
    if result.amount_yuan == application.amount_yuan:
        return comment
    note = f"复核时重新核定金额：{application.amount_yuan:,} 元 → {result.amount_yuan:,} 元。"
    application.amount_yuan = result.amount_yuan
    application.amount_notes = [*application.amount_notes, note, *result.notes]
    return "\n".join(part for part in (comment, note, *result.notes) if part)


def _require_rulings(application: Application) -> None:
    """三(二) 同一奖项不得重复奖励: no 复核 while a possible duplicate has no written ruling."""
    pending = open_findings(application).count()
    if pending:
        raise ServiceError(
            f"该申报有 {pending} 项疑似重复奖励尚未裁定：请办公室负责人先在“疑似重复奖励”中逐项写明裁定意见，再办理复核。",
            code="ruling_required",
        )
    duplicate = application.findings.filter(ruling=DuplicateFinding.Ruling.DUPLICATE).first()
    if duplicate is not None:
        raise ServiceError(
            f"已裁定该申报与 {duplicate.other.code} 构成重复奖励，不能复核通过，请选择“不予通过”并写明理由。",
            code="ruled_duplicate",
        )
