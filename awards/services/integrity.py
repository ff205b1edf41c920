"""同一奖项不得重复奖励 (三(二)) beyond one enterprise's own line: possible duplicates and their rulings.

The same canonical reference claimed by another enterprise or under a second line, and a 提名奖
next to the 正奖 of the same family, are not refused outright: they are recorded as a
``DuplicateFinding`` and 复核 cannot pass until an approver has written a ruling on each.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from core.errors import ServiceError
from core.history import save_with_history

from ..models import (
    CLOSED_STATUSES,
    Application,
    ApplicationStatus,
    DuplicateFinding,
    Enterprise,
    NominationRule,
    RewardItem,
)
from ._workflow import require_approver

Kind = DuplicateFinding.Kind
Ruling = DuplicateFinding.Ruling
# drafts are not claims yet; rejected and withdrawn ones are not awards
NOT_CLAIMS = (ApplicationStatus.DRAFT, *CLOSED_STATUSES)


@dataclass(frozen=True)
class Claim:
    """What the pair rule needs of one record (a row of the database or one being submitted)."""

    id: int  # 0 for a record not stored yet (pair_kind does not read it)
    enterprise_id: int | None
    reward_item_id: int
    family: str
    is_nomination: bool
    canonical: str


def pair_kind(earlier: Claim, later: Claim) -> str | None:
    """Why two claims may be one award paid twice, or None. The one rule the whole app uses."""
    same_enterprise = earlier.enterprise_id is not None and earlier.enterprise_id == later.enterprise_id
    if earlier.canonical and earlier.canonical == later.canonical:
        if same_enterprise:
            return Kind.SAME_AWARD if earlier.reward_item_id == later.reward_item_id else Kind.OTHER_LINE
        if earlier.reward_item_id == later.reward_item_id or earlier.family == later.family:
            return Kind.OTHER_ENTERPRISE
        return Kind.OTHER_LINE
    if same_enterprise and earlier.family == later.family and earlier.is_nomination != later.is_nomination:
        return Kind.SAME_FAMILY
    return None


def find_pairs(claims: list[Claim]) -> list[tuple[Claim, Claim, str]]:
    """Every (later, earlier, kind) among the claims: grouped by reference and by enterprise+family."""
    claims = sorted(claims, key=lambda c: c.id)
    groups: dict[tuple[str | int | None, ...], list[Claim]] = defaultdict(list)
    for claim in claims:
        if claim.canonical:
            groups[("ref", claim.canonical)].append(claim)
        groups[("family", claim.enterprise_id, claim.family)].append(claim)
    seen: set[tuple[int, int, str]] = set()
    out = []
    for members in groups.values():
        for i, later in enumerate(members):
            for earlier in members[:i]:
                kind = pair_kind(earlier, later)
                if kind and (later.id, earlier.id, kind) not in seen:
                    seen.add((later.id, earlier.id, kind))
                    out.append((later, earlier, kind))
    return out


def _claim(application: Application) -> Claim:
    return Claim(
        id=application.pk,
        enterprise_id=application.enterprise_id,
        reward_item_id=application.reward_item_id,
        family=application.reward_item.family,
        is_nomination=application.reward_item.is_nomination,
        canonical=application.reference_canonical,
    )


def claims_against(
    *, enterprise: Enterprise, item: RewardItem, canonical: str, exclude_id: int | None = None
) -> list[tuple[str, Application]]:
    """The live records that a claim (enterprise, item, canonical reference) may duplicate."""
    match = Q(enterprise_id=enterprise.pk, reward_item__family=item.family) if enterprise.pk else Q(pk__in=[])
    if canonical:
        match |= Q(reference_canonical=canonical)
    live = Application.objects.filter(match).exclude(status__in=NOT_CLAIMS)
    if exclude_id is not None:
        live = live.exclude(pk=exclude_id)
    candidates = live.select_related("enterprise", "reward_item").order_by("id")[:20]
    new = Claim(exclude_id or 0, enterprise.pk, item.pk, item.family, item.is_nomination, canonical)
    # a family whose pack says 全额 or 补差 after a nomination is decided by that rule
    # (rules.assess_amount), not by a ruling: only a silent family (FLAG) asks for one
    silent = item.nomination_rule == NominationRule.FLAG
    out = []
    for other in candidates:
        kind = pair_kind(_claim(other), new)
        if kind and (silent or kind != Kind.SAME_FAMILY):
            out.append((kind, other))
    return out


def flag_text(kind: str, other: Application, item: RewardItem) -> str:
    """The Chinese flag shown to reviewers and enterprises (another enterprise is never named)."""
    what = "奖励记录（系统上线前已兑现）" if other.is_legacy else "申报"
    ref = f"编号 {other.reference}，" if kind != Kind.OTHER_ENTERPRISE else ""
    if kind == Kind.OTHER_ENTERPRISE:
        return (
            f"同一证书（标准、商标）编号已有其他企业的{what}（{other.code}，{other.reward_item.name}，"
            f"{other.get_status_display()}）。是否同一奖项重复奖励，须由办公室负责人书面裁定后方可复核。"
        )
    if kind == Kind.OTHER_LINE:
        return (
            f"同一编号已在另一奖项“{other.reward_item.name}”下有{what}（{other.code}，"
            f"{other.get_status_display()}）：同一奖项不得按两个奖项重复奖励，须由办公室负责人书面裁定后方可复核。"
        )
    if kind == Kind.SAME_AWARD:
        return f"与本企业的{what} {other.code}（{ref}{other.get_status_display()}）为同一奖项、同一编号。"
    prize = "提名奖" if other.reward_item.is_nomination else "正奖"
    return (
        f"本企业已有同一奖项的{prize}“{other.reward_item.name}”的{what}（{other.code}，{ref}"
        f"{other.get_status_display()}）。政策未规定获提名奖后又获正奖时应全额奖励还是补足差额，"
        "请复核人研判，须由办公室负责人书面裁定后方可复核。"
    )


def findings_record(*, application: Application, found_on: str) -> list[DuplicateFinding]:
    """Store a finding for every live record this application may duplicate (idempotent)."""
    stored = []
    for kind, other in claims_against(
        enterprise=application.enterprise,
        item=application.reward_item,
        canonical=application.reference_canonical,
        exclude_id=application.pk,
    ):
        later, earlier = (application, other) if application.pk > other.pk else (other, application)
        finding, _ = DuplicateFinding.objects.get_or_create(
            application=later,
            other=earlier,
            kind=kind,
            defaults={"reference_canonical": application.reference_canonical, "found_on": found_on},
        )
        stored.append(finding)
    return stored


def findings_scan(
    *,
    application_model: type[Application] = Application,
    finding_model: type[DuplicateFinding] = DuplicateFinding,
    found_on: str,
) -> int:
    """Every possible duplicate over the whole history, stored once; returns how many were new.

    Takes the model classes so the data migration that introduced canonical references can run it
    with its historical models.
    """
    rows = application_model.objects.exclude(status__in=NOT_CLAIMS).values_list(
        "id",
        "enterprise_id",
        "reward_item_id",
        "reward_item__family",
        "reward_item__is_nomination",
        "reference_canonical",
    )
    existing = set(finding_model.objects.values_list("application_id", "other_id", "kind"))
    new = [
        finding_model(
            application_id=later.id,
            other_id=earlier.id,
            kind=kind,
            reference_canonical=later.canonical if kind != Kind.SAME_FAMILY else "",
            found_on=found_on,
        )
        for later, earlier, kind in find_pairs([Claim(*row) for row in rows])
        if (later.id, earlier.id, kind) not in existing
    ]
    finding_model.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def open_findings(application: Application) -> QuerySet[DuplicateFinding]:
    """Findings on either side of this application that still have no ruling, against a record
    that is still a claim (one since rejected or withdrawn no longer holds the other up)."""
    return DuplicateFinding.objects.filter(DuplicateFinding.holding(application))


def finding_rule(*, finding: DuplicateFinding, by: User, ruling: str, text: str) -> DuplicateFinding:
    """An approver's written ruling on a possible duplicate; kept with name and time, never changed."""
    require_approver(by)
    text = (text or "").strip()
    if ruling not in (Ruling.NOT_DUPLICATE, Ruling.DUPLICATE):
        raise ServiceError("请选择裁定结论：构成或不构成重复奖励。", code="bad_ruling")
    if not text:
        raise ServiceError("请写明裁定意见（依据和理由），裁定记录将长期保存。", code="ruling_text")
    with transaction.atomic():
        # race: two approvers ruling at once; the row lock lets the first one decide
        finding = DuplicateFinding.objects.select_for_update().get(pk=finding.pk)
        if not finding.is_open:
            raise ServiceError("该疑似重复已有裁定，不能再次裁定。", code="already_ruled")
        finding.ruling = ruling
        finding.ruling_text = text[:2000]
        finding.ruled_by = by
        finding.ruled_at = timezone.now()
        save_with_history(finding, by, reason="裁定疑似重复奖励")
    return finding
