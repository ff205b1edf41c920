"""Reads that are more than a one-line query: queues, money, 公示 lists, the timeline."""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypedDict

from django.db import connection, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.safestring import SafeString, mark_safe

from core import sql
from core.dates import table_date
from core.markup import markup, url_pattern
from core.policy import first_year

from .formatting import as_typed, wan
from .models import (
    STATUS_BADGES,
    Application,
    ApplicationEvent,
    DuplicateFinding,
    Enterprise,
    FundBudget,
    FundingRequestItem,
    FundingSource,
    MoneyChange,
    Objection,
    PublicityBatch,
)

if TYPE_CHECKING:
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType
    from django_stubs_ext import WithAnnotations

Status = Application.Status


class AwardYear(ExtractYear):
    """The year of a date column. SQLite stores dates as 'YYYY-MM-DD' text: reading the first four
    characters there avoids Django's per-row Python extract function (the 资金台账 groups every
    application by year)."""

    def as_sqlite(
        self, compiler: "SQLCompiler", connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> "_AsSqlType":
        sql, params = compiler.compile(self.lhs)
        return f"CAST(substr({sql}, 1, 4) AS integer)", params


# requested: everything an enterprise submitted (later rejected included), not drafts or withdrawals
REQUESTED = ~Q(status__in=[Status.DRAFT, Status.WITHDRAWN])
# approved: passed 复核 (and not since refused after an objection)
APPROVED_STATUSES = [Status.SECOND_PASSED, Status.PUBLICITY, Status.AWAITING_PAYMENT, Status.PAID]
PENDING_STATUSES = [Status.SECOND_PASSED, Status.PUBLICITY, Status.AWAITING_PAYMENT]
UNDER_REVIEW_STATUSES = [Status.SUBMITTED, Status.RETURNED, Status.FIRST_PASSED]


# the 资金台账 columns and the states each one counts (None: every requested application); ``paid`` sums
# what was paid, the others the assessed amounts
_MONEY_COLUMNS: list[tuple[str, Sequence[str] | None]] = [
    ("requested", None),
    ("approved", APPROVED_STATUSES),
    ("paid", [Status.PAID]),
    ("pending", PENDING_STATUSES),
    ("under_review", UNDER_REVIEW_STATUSES),
]
_MONEY_KEYS = [key for column, _ in _MONEY_COLUMNS for key in (column, f"{column}_count")]


def money_summary(
    *, year: int | None = None, sources: list[tuple[str, str]] | None = None
) -> list[dict[str, Any]]:
    """Requested / approved / paid / pending 元 by funding source and award year (one query).

    ``year`` is the year of the award (获奖年度). ``pending`` is approved but not yet paid;
    ``under_review`` (extra) is submitted and not yet through 复核.
    Amounts are the assessed amounts stored at submission; ``paid`` is what was actually paid.
    ``sources``: ``FundingSource.as_choices()`` when the caller has read it already.
    """
    qs = Application.objects.filter(REQUESTED).annotate(year=AwardYear("award_date"))
    if year is not None:
        qs = qs.filter(award_date__year=year)
    # grouped by state as well, and folded into the columns here: two sums and a count per row for
    # the database instead of ten filtered aggregates (a few dozen groups come back)
    groups = (
        qs.order_by()
        .values_list("funding_source", "year", "status")
        .annotate(
            amount=Sum("amount_yuan", default=0), paid=Sum("paid_amount_yuan", default=0), n=Count("id")
        )
    )
    summary: dict[tuple[str | None, int | None], dict[str, Any]] = {}
    for source, award_year, status, amount, paid, n in groups:
        row = summary.get((source, award_year))
        if row is None:
            row = summary[source, award_year] = {"funding_source": source, "year": award_year}
            row.update(dict.fromkeys(_MONEY_KEYS, 0))
        for column, states in _MONEY_COLUMNS:
            if states is None or status in states:
                row[column] += paid if column == "paid" else amount
                row[f"{column}_count"] += n
    rows = summary.values()
    sources = FundingSource.as_choices() if sources is None else sources
    order = {code: index for index, (code, _) in enumerate(sources)}
    names = dict(sources)
    out = []
    for row in rows:
        row["funding_source_label"] = names.get(row["funding_source"], "")
        out.append(row)
    out.sort(key=lambda r: (r["year"] or 0, order.get(r["funding_source"], 99)))
    return out


def money_totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {key: sum(r[key] for r in rows) for key in _MONEY_KEYS}


def money_by_source(
    rows: list[dict[str, Any]], sources: list[tuple[str, str]] | None = None
) -> list[dict[str, Any]]:
    """The summary folded over years: one row per funding source, in the schedule's order."""
    out = []
    for code, name in FundingSource.as_choices() if sources is None else sources:
        mine = [r for r in rows if r["funding_source"] == code]
        out.append({"funding_source": code, "funding_source_label": name, **money_totals(mine)})
    return out


def paid_between(*, start: dt.date, end: dt.date) -> QuerySet[Application]:
    """Applications paid in [start, end] (both inclusive), for the half-year report and the payment list."""
    return (
        Application.objects.filter(status=Status.PAID, paid_on__range=(start, end))
        .select_related("enterprise", "reward_item", "funding_source")
        .order_by("paid_on", "id")
    )


def award_years(*, today: dt.date) -> list[int]:
    """The award years to choose from: 三(二) counts awards from 2022 on, and none lies in the future.

    Computed, not read: a DISTINCT over every application's date would scan the whole table.
    """
    return list(range(today.year, first_year() - 1, -1))


def enterprise_applications(enterprise: Enterprise) -> QuerySet[Application]:
    return Application.objects.filter(enterprise=enterprise).select_related("reward_item").order_by("-id")


class ReviewFlags(TypedDict):
    """What ``office_applications`` annotates on each application."""

    open_objections: bool
    open_findings: bool


def office_applications(
    *, status: str = "", funding_source: str = "", q: str = ""
) -> "QuerySet[WithAnnotations[Application, ReviewFlags]]":
    qs = Application.objects.exclude(status=Status.DRAFT).select_related(
        "enterprise", "reward_item", "funding_source"
    )
    if status:
        qs = qs.filter(status=status)
    if funding_source:
        qs = qs.filter(funding_source__code=funding_source)
    if q:
        qs = qs.filter(
            Q(enterprise__name__icontains=q)
            | Q(enterprise__credit_code__icontains=q)
            | Q(reference__icontains=q)
        )
    # Exists rather than Count: no GROUP BY over every application, so the list sorts on its index
    open_objection = Objection.objects.filter(application=OuterRef("pk"), outcome=Objection.Outcome.OPEN)
    open_finding = DuplicateFinding.objects.filter(DuplicateFinding.holding(OuterRef("pk")))
    return qs.annotate(open_objections=Exists(open_objection), open_findings=Exists(open_finding))


# the states in the office's 申报审核 header (work in progress, a small part of all applications)
WORK_IN_PROGRESS = [
    Status.SUBMITTED,
    Status.FIRST_PASSED,
    Status.SECOND_PASSED,
    Status.PUBLICITY,
    Status.AWAITING_PAYMENT,
]


def status_counts(statuses: Iterable[str] = WORK_IN_PROGRESS) -> dict[str, int]:
    """Applications per state among ``statuses`` (each an index search on status, not a scan of every
    case) and ``filed``: every case but the drafts, as the office's list counts them unfiltered —
    all cases less the drafts, which the database counts without reading each filed case. One
    statement."""
    parts = [(status, _count_sql(Application, "{0} = %s", "status"), [status]) for status in statuses]
    every = f"SELECT COUNT(*) FROM {sql.table(Application)}"  # noqa: S608 (names from _meta)
    drafts = _count_sql(Application, "{0} = %s", "status")
    parts.append(("filed", f"({every}) - ({drafts})", [Status.DRAFT]))
    return _counts(parts)


def _count_sql(model: type[models.Model], where: str, *fields: str) -> str:
    """``SELECT COUNT(*) FROM <model's table> WHERE <where>``, ``where`` naming columns as {0}, {1}, …
    for ``fields`` (their database columns, quoted)."""
    columns = [sql.column(model, name) for name in fields]
    return f"SELECT COUNT(*) FROM {sql.table(model)} WHERE " + where.format(*columns)  # noqa: S608 (names from _meta)


def office_queue(user_id: int, today: dt.date) -> dict[str, int]:
    """The office workbench's figures in one statement of scalar subqueries (each an index search):
    applications per state of ``WORK_IN_PROGRESS``, and the queues — ``waiting_second`` (first-passed
    cases reviewed first by someone other than ``user_id``), ``unverified`` enterprises,
    ``open_objections``, ``closing`` (publicity batches ending ``today``), ``pending_changes`` (money
    changes made by others) and ``open_findings`` (suspected duplicates to rule on)."""
    parts: list[tuple[str, str, list[Any]]] = [
        (status, _count_sql(Application, "{0} = %s", "status"), [status]) for status in WORK_IN_PROGRESS
    ]
    parts += [
        (
            "waiting_second",
            _count_sql(Application, "{0} = %s AND ({1} IS NULL OR {1} <> %s)", "status", "first_reviewed_by"),
            [Status.FIRST_PASSED, user_id],
        ),
        ("unverified", _count_sql(Enterprise, "{0} IS NULL", "verified_at"), []),
        ("open_objections", _count_sql(Objection, "{0} = %s", "outcome"), [Objection.Outcome.OPEN]),
        (
            "closing",
            _count_sql(PublicityBatch, "{0} = %s", "end_date"),
            [connection.ops.adapt_datefield_value(today)],
        ),
        (
            "pending_changes",
            _count_sql(MoneyChange, "{0} = %s AND {1} <> %s", "state", "made_by"),
            [MoneyChange.State.PENDING, user_id],
        ),
        (
            "open_findings",
            _count_sql(DuplicateFinding, "{0} = %s", "ruling"),
            [DuplicateFinding.Ruling.PENDING],
        ),
    ]
    return _counts(parts)


def _counts(parts: list[tuple[str, str, list[Any]]]) -> dict[str, int]:
    """Named counts in one statement: ``(name, expression, params)``, each expression a count
    statement or arithmetic on such statements in parentheses."""
    statement = "SELECT " + ", ".join(f"({part})" for _, part, _ in parts)
    with connection.cursor() as cursor:
        cursor.execute(statement, [param for _, _, params in parts for param in params])
        row = cursor.fetchone()
    return {name: int(value) for (name, _, _), value in zip(parts, row, strict=True)}


def timeline(application: Application) -> QuerySet[ApplicationEvent]:
    return application.events.select_related("actor").order_by("created_at", "id")


# one row of the 发布公示 form's table, as the template wrote it (the whole row formatted at once:
# a hundred rows of per-cell template variables cost more than the rest of the page)
_PUBLISHABLE_ROW = (
    '<tr>\n          <td><input type="checkbox" name="applications" value="{}" id="pub-{}"{}></td>\n'
    '          <td><label for="pub-{}" class="plain">{}</label></td><td>{}</td><td>{}</td>'
    '<td class="num">{}</td><td class="nowrap">{}</td></tr>'
)


_CHECKED = mark_safe(" checked")  # noqa: S308 (constant markup)


class PublishableRow(TypedDict):
    """One row of the 发布公示 form (``publishable_rows``)."""

    pk: int
    code: str
    enterprise: str
    reward_item: str
    amount: str
    reviewed_on: str
    checked: bool
    html: SafeString


def publishable_rows(
    applications: QuerySet[Application], *, checked: set[str] | None
) -> list[PublishableRow]:
    """The rows of the 发布公示 form, formatted once here (no model objects, no per-row filters);
    ``html`` is the row's table markup.

    ``checked``: the ids (as posted) to tick again on a form sent back; None ticks every row.
    """
    rows = []
    for pk, created_at, enterprise, item, amount, reviewed_at in applications.values_list(
        "pk", "created_at", "enterprise__name", "reward_item__name", "amount_yuan", "second_reviewed_at"
    ):
        code = Application.code_for(pk, created_at)
        shown = wan(amount)
        reviewed_on = table_date(reviewed_at, with_time=False)
        ticked = checked is None or str(pk) in checked
        html = markup(
            _PUBLISHABLE_ROW,
            pk,
            pk,
            _CHECKED if ticked else "",
            pk,
            code,
            enterprise,
            item,
            shown,
            reviewed_on,
        )
        rows.append(
            PublishableRow(
                pk=pk,
                code=code,
                enterprise=enterprise,
                reward_item=item,
                amount=shown,
                reviewed_on=reviewed_on,
                checked=ticked,
                html=html,
            )
        )
    return rows


def current_batches(today: dt.date) -> QuerySet[PublicityBatch]:
    """公示 lists whose window has not ended (including those announced to start soon)."""
    return PublicityBatch.objects.filter(end_date__gte=today).order_by("start_date", "id")


def current_lists(today: dt.date, limit: int = 10) -> list[PublicityBatch]:
    """Current 公示 lists with their entries in ``batch.entries`` (two queries whatever the size)."""
    entries = Prefetch(
        "applications",
        queryset=Application.objects.select_related("enterprise", "reward_item", "funding_source").order_by(
            "reward_item__order", "id"
        ),
        to_attr="entries",
    )
    return list(current_batches(today).prefetch_related(entries)[:limit])


def past_batches(today: dt.date) -> QuerySet[PublicityBatch]:
    # a correlated count per listed batch (index on publicity_batch_id), not a GROUP BY over the join
    return (
        PublicityBatch.objects.filter(end_date__lt=today)
        .annotate(n=_count_per_batch(Application.objects.all(), "publicity_batch"))
        .order_by("-end_date", "-id")
    )


class _CountOf(Subquery):
    """``(SELECT COUNT(*) FROM (subquery))``: a correlated count without the GROUP BY that
    ``.values().annotate(Count())`` puts in the subquery (three times slower on SQLite)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _rows)"
    output_field = models.IntegerField()


def _count_per_batch(queryset: QuerySet[Any], batch_field: str) -> _CountOf:
    """A correlated count of ``queryset`` rows per outer batch, for annotating a page of batches."""
    return _CountOf(queryset.filter(**{batch_field: OuterRef("pk")}).order_by().values("pk"))


def batches_with_counts() -> QuerySet[PublicityBatch]:
    """Every 公示 list, newest first, with its number of entries and of open objections."""
    return PublicityBatch.objects.annotate(
        n=_count_per_batch(Application.objects.all(), "publicity_batch"),
        open_objections=_count_per_batch(
            Objection.objects.filter(outcome=Objection.Outcome.OPEN), "application__publicity_batch"
        ),
    ).order_by("-start_date", "-id")


class BatchRow(TypedDict):
    """One row of the 公示管理 table (``batch_rows``)."""

    url: str
    docx_url: str
    title: str
    start: str
    end: str
    end_date: dt.date
    n: int
    open_objections: int
    badge: tuple[str, str]


_BATCH_STATES = {  # (badge class, label) by the list's window against today
    "ended": ("badge-gray", "已结束"),
    "future": ("badge-blue", "未开始"),
    "open": ("badge-amber", "公示中"),
}


def batch_rows(page: Iterable[Any], *, today: dt.date) -> list[BatchRow]:
    """A page of ``batches_with_counts`` for the 公示管理 table, formatted once here (links, dates,
    state) instead of per row in the template: one reverse per page, no model methods."""
    detail, docx = url_pattern("awards:publicity_batch"), url_pattern("awards:publicity_docx")
    rows: list[BatchRow] = []
    for batch in page:
        state = "ended" if batch.end_date < today else "future" if batch.start_date > today else "open"
        rows.append(
            {
                "url": detail % batch.pk,
                "docx_url": docx % batch.pk,
                "title": batch.title,
                "start": table_date(batch.start_date),
                "end": table_date(batch.end_date),
                "end_date": batch.end_date,  # for 未确认 when that year's calendar is unknown
                "n": batch.n,
                "open_objections": batch.open_objections,
                "badge": _BATCH_STATES[state],
            }
        )
    return rows


_APPLICATION_ROW = (
    '<tr><td class="nowrap"><a href="{url}">{code}</a></td>\n'
    "      <td>{enterprise}{unverified}</td>\n"
    "      <td>{item}{flag}</td><td>{reference}</td>\n"
    '      <td class="num">{amount}{provisional}</td>\n'
    '      <td>{source}</td><td class="nowrap">{submitted}</td>\n'
    '      <td><span class="badge {badge}">{status}</span>{objection}</td></tr>'
)
_UNVERIFIED = mark_safe(' <span class="badge badge-amber">企业待核验</span>')  # noqa: S308 (constant markup)
_FINDING = mark_safe(
    ' <span class="badge badge-red" title="疑似重复奖励，待办公室负责人裁定">疑似重复待裁定</span>'
)  # noqa: S308 (constant markup)
_FLAGGED = mark_safe(' <span class="badge badge-amber" title="复核提示">需研判</span>')  # noqa: S308 (constant markup)
_PROVISIONAL = mark_safe('<div><span class="badge badge-amber">暂定</span></div>')  # noqa: S308 (constant markup)
_OBJECTION = mark_safe(' <span class="badge badge-red">有异议</span>')  # noqa: S308 (constant markup)


# what ``application_rows`` reads: the list loads only these columns of its three tables
APPLICATION_ROW_FIELDS = (
    "pk",
    "created_at",
    "status",
    "submitted_at",
    "is_legacy",
    "reference",
    "amount_yuan",
    "provisional",
    "review_flags",
    "open_objections",
    "open_findings",
    "enterprise__name",
    "enterprise__verified_at",
    "reward_item__name",
    "funding_source__name",
)


def application_rows(page: Iterable[dict[str, Any]]) -> list[SafeString]:
    """A page of ``office_applications`` read as ``.values(*APPLICATION_ROW_FIELDS)`` (no models) as
    the 申报审核 table's rows, written at once here (one reverse per page, no per-cell template
    filters); every value is escaped."""
    detail = url_pattern("awards:application_detail")
    labels = dict(Status.choices)
    rows = []
    for a in page:
        if a["submitted_at"]:
            submitted = table_date(a["submitted_at"], with_time=False)
        else:
            submitted = "历史录入" if a["is_legacy"] else ""
        status = a["status"]
        rows.append(
            markup(
                _APPLICATION_ROW,
                url=detail % a["pk"],
                code=Application.code_for(a["pk"], a["created_at"]),
                enterprise=a["enterprise__name"],
                unverified="" if a["enterprise__verified_at"] else _UNVERIFIED,
                item=a["reward_item__name"],
                flag=_FINDING if a["open_findings"] else _FLAGGED if a["review_flags"] else "",
                reference=as_typed(a["reference"]),
                amount=wan(a["amount_yuan"]),
                provisional=_PROVISIONAL if a["provisional"] else "",
                source=a["funding_source__name"] or "",
                submitted=submitted,
                badge=STATUS_BADGES.get(status, "badge-gray"),
                status=labels.get(status, status),
                objection=_OBJECTION if a["open_objections"] else "",
            )
        )
    return rows


_ENTERPRISE_APPLICATION_ROW = (
    '<tr><td><a href="{url}">{code}</a></td><td>{item}</td><td>{reference}</td>'
    '<td class="num">{amount}</td><td><span class="badge {badge}">{status}</span></td></tr>\n'
)


def enterprise_application_rows(applications: QuerySet[Application]) -> list[SafeString]:
    """The 奖励申报 table of an enterprise's page (read with ``values_list``, no models)."""
    detail = url_pattern("awards:application_detail")
    labels = dict(Application.Status.choices)
    return [
        markup(
            _ENTERPRISE_APPLICATION_ROW,
            url=detail % pk,
            code=Application.code_for(pk, created_at),
            item=item,
            reference=as_typed(reference),
            amount=wan(amount),
            badge=STATUS_BADGES.get(status, "badge-gray"),
            status=labels.get(status, status),
        )
        for pk, created_at, item, reference, amount, status in applications.values_list(
            "pk", "created_at", "reward_item__name", "reference", "amount_yuan", "status"
        )
    ]


_MY_APPLICATION_ROW = (
    '<tr>\n<td class="nowrap">{code}</td>\n<td>{item}</td>\n<td class="nowrap">{award_date}</td>\n'
    '<td>{reference}</td>\n<td class="num">{amount}</td>\n'
    '<td><span class="badge {badge}">{status}</span></td>\n<td class="nowrap">{updated}</td>\n'
    '<td class="actions-cell">{edit} <a class="btn btn-sm" href="{url}">查看进度</a></td></tr>\n'
)
_EDIT_LINK = '<a class="btn btn-sm" href="{}">{}</a>'


# what a row of 我的申报 shows (``my_application_rows``)
MY_APPLICATION_ROW_FIELDS = (
    "pk",
    "created_at",
    "status",
    "award_date",
    "reference",
    "amount_yuan",
    "updated_at",
    "reward_item__name",
)


def my_application_rows(page: Iterable[dict[str, Any]]) -> list[SafeString]:
    """A page of 我的申报 (``MY_APPLICATION_ROW_FIELDS`` rows: no models) as table rows, written at once."""
    detail, edit = url_pattern("awards:application_detail"), url_pattern("awards:application_edit")
    rows = []
    for a in page:
        status = a["status"]
        rows.append(
            markup(
                _MY_APPLICATION_ROW,
                code=Application.code_for(a["pk"], a["created_at"]),
                item=a["reward_item__name"],
                award_date=table_date(a["award_date"], with_time=False) or "—",
                reference=a["reference"] or "—",
                amount="—" if status == Status.DRAFT else wan(a["amount_yuan"]),
                badge=STATUS_BADGES.get(status, "badge-gray"),
                status=Status(status).label,
                updated=table_date(a["updated_at"]),
                edit=markup(_EDIT_LINK, edit % a["pk"], "补正" if status == Status.RETURNED else "继续填写")
                if status in Application.EDITABLE_STATUSES
                else "",
                url=detail % a["pk"],
            )
        )
    return rows


def batch_entries(batch: PublicityBatch) -> QuerySet[Application]:
    """The rows of a 公示 list as the public sees them (withdrawn after objection shown as such)."""
    return batch.applications.select_related("enterprise", "reward_item", "funding_source").order_by(
        "reward_item__order", "id"
    )


def findings(*, state: str = "", kind: str = "") -> QuerySet[DuplicateFinding]:
    """Possible duplicates over the whole history, both records and the ruling, newest first."""
    qs = DuplicateFinding.objects.select_related(
        "application__enterprise",
        "application__reward_item",
        "other__enterprise",
        "other__reward_item",
        "ruled_by",
    )
    if state == "open":
        qs = qs.filter(ruling=DuplicateFinding.Ruling.PENDING)
    elif state == "ruled":
        qs = qs.exclude(ruling=DuplicateFinding.Ruling.PENDING)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-found_at", "-id")


# what a finding's row shows (partials/finding_row.html, finding_record.html) of it and of both records
_FINDING_RECORD = (
    "id",
    "created_at",
    "is_legacy",
    "status",
    "reference",
    "enterprise__name",
    "reward_item__name",
)
_FINDING_ROW = (
    *("kind", "found_on", "found_at", "ruling", "ruling_text", "ruled_at"),
    *("ruled_by__username", "ruled_by__full_name"),
    *(f"{side}__{name}" for side in ("application", "other") for name in _FINDING_RECORD),
)


def finding_rows(qs: QuerySet[DuplicateFinding]) -> QuerySet[DuplicateFinding]:
    """``findings()`` with only the columns its table rows show: the statement with every column of
    five joined tables cost several times more to build than to run (the export keeps them all)."""
    return qs.only(*_FINDING_ROW)


def application_findings(application: Application) -> QuerySet[DuplicateFinding]:
    """The possible duplicates on either side of one application, as its page's table shows them."""
    return finding_rows(findings().filter(Q(application=application) | Q(other=application)))


def payment_ledger(
    *, year: int | None = None, funding_source: str = "", reward_code: str = "", status: str = ""
) -> QuerySet[Application]:
    """The 资金拨付台账: every approved or paid award (legacy included), oldest award first."""
    qs = Application.objects.filter(status__in=APPROVED_STATUSES).select_related(
        "enterprise", "reward_item", "funding_source", "payment_recorded_by", "payment_confirmed_by"
    )
    if year:
        qs = qs.filter(award_date__year=year)
    if funding_source:
        qs = qs.filter(funding_source__code=funding_source)
    if reward_code:
        qs = qs.filter(reward_item__code=reward_code)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("award_date", "id")


def ledger_totals(qs: QuerySet[Application]) -> dict[str, int]:
    return qs.aggregate(
        n=Count("id"),
        # 核定: the reply's amount once confirmed, the amount assessed at submission before
        approved=Coalesce(Sum(Coalesce("approved_amount_yuan", "amount_yuan")), 0),
        paid=Coalesce(Sum("paid_amount_yuan", filter=Q(status=Status.PAID)), 0),
    )


def budget_use(*, years: Iterable[int] | None = None) -> dict[tuple[int, str], dict[str, int]]:
    """What each year's fund of each source carries: the live 报请 batches of that year (the year the
    fund is asked to pay), refusals excluded. ``paid``: the amounts paid on them; ``committed``: the
    approved amount (the requested one until the reply) of those not yet paid. The one rule used by
    the money page and by the over-budget check of a new batch. ``years``: only these years' funds."""
    paid = Q(application__status=Status.PAID)
    items = FundingRequestItem.objects.filter(live=True)
    if years is not None:
        items = items.filter(request__year__in=list(years))
    rows = (
        items.exclude(decision=FundingRequestItem.Decision.REFUSED)
        .values("request__year", "request__funding_source")
        .annotate(
            committed=Coalesce(
                Sum(Coalesce("approved_amount_yuan", "requested_amount_yuan"), filter=~paid), 0
            ),
            paid=Coalesce(Sum("application__paid_amount_yuan", filter=paid), 0),
        )
    )
    return {
        (r["request__year"], r["request__funding_source"]): {"committed": r["committed"], "paid": r["paid"]}
        for r in rows
    }


class BudgetRow(TypedDict):
    """One year's fund of one source (``budget_rows``)."""

    year: int
    source_label: str
    budget: int
    committed: int
    paid: int
    remaining: int
    basis: str


def budget_rows(*, year: int | None = None) -> list[BudgetRow]:
    """Per year (``year``: that year only) and fund with a budget: budget, committed (approved, not yet
    paid), paid, remaining, counted by the year of the 报请 batch (``budget_use``)."""
    found = FundBudget.objects.select_related("source").order_by("-year", "source__order")
    if year is not None:
        found = found.filter(year=year)
    budgets = list(found)
    if not budgets:
        return []
    use = budget_use(years={budget.year for budget in budgets})
    out: list[BudgetRow] = []
    for budget in budgets:
        u = use.get((budget.year, budget.source_id), {"committed": 0, "paid": 0})
        out.append(
            {
                "year": budget.year,
                "source_label": budget.source.name,
                "budget": budget.amount_yuan,
                "committed": u["committed"],
                "paid": u["paid"],
                "remaining": budget.amount_yuan - u["committed"] - u["paid"],
                "basis": budget.basis,
            }
        )
    return out


def granted_by_item_and_year(*, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Rewards granted (passed 复核) and paid, per reward line and award year, for awards won in
    [start, end] — the 终期评估's rewards section (one query). Each row: item name and order, year,
    granted count and 元, paid count and 元."""
    rows = (
        Application.objects.filter(status__in=APPROVED_STATUSES, award_date__range=(start, end))
        .annotate(year=AwardYear("award_date"))
        .values("reward_item__name", "reward_item__order", "year")
        .annotate(
            granted_count=Count("id"),
            granted=Sum("amount_yuan", default=0),
            paid_count=Count("id", filter=Q(status=Status.PAID)),
            paid=Sum("paid_amount_yuan", filter=Q(status=Status.PAID), default=0),
        )
        .order_by("reward_item__order", "reward_item__name", "year")
    )
    return list(rows)
