"""Reward applications over ten years with their timelines and attachments."""

from __future__ import annotations

import datetime as dt
import random

from .base import Context, _with_pks, bulk, make


def seed_awards(ctx: Context) -> None:
    from awards.models import (
        MAX_AMOUNT_YUAN,
        Application,
        ApplicationEvent,
        ApplicationStatus,
        Attachment,
        FundBudget,
        FundingRequest,
        FundingRequestItem,
        PublicityBatch,
        RewardItem,
    )

    if not ctx.enterprises:
        return
    items = list(RewardItem.objects.filter(active=True).order_by("order"))
    if not items:
        return
    S = ApplicationStatus
    scale, rng = ctx.scale, ctx.rng
    office, approvers = ctx.office_users, ctx.approvers
    first_year = ctx.today.year - scale["years"] + 1

    batches = {}
    objs = []
    for year in range(first_year, ctx.today.year + 1):
        for number in (1, 2, 3, 4):
            start = dt.date(year, 3 * number, 10)
            if start > ctx.today:
                continue
            objs.append(
                make(
                    PublicityBatch,
                    year=year,
                    number=number,
                    title=f"{year}年第{number}批质量品牌奖励公示",
                    start_date=start,
                    end_date=start + dt.timedelta(days=7),
                    workdays=5,
                    contact_phone="0716-3000000",
                    contact_address="市市场监督管理局",
                    published_by=office[0],
                    published_at=ctx.aware(start),
                )
            )
    for batch in _with_pks(PublicityBatch, objs, ctx, "start_date"):
        batches[(batch.year, batch.number)] = batch

    # enterprises apply unevenly: a few apply often (the bench enterprise among them)
    weights = [1.0 / (1 + (i % 97)) for i in range(len(ctx.enterprises))]
    weights[0] = max(weights) * 3
    chosen = rng.choices(ctx.enterprises, weights=weights, k=scale["applications"])
    apps = []
    plan_events = []  # (index, [(action, from, to, actor, when)])
    for n, ent in enumerate(chosen):
        item = items[n % len(items)]
        year = first_year + (n * scale["years"]) // scale["applications"]
        created = ctx.day_in(dt.date(year, 1, 1), min(dt.date(year, 12, 31), ctx.today))
        recent = (ctx.today - created).days < 120
        status = _application_status(rng, recent)
        first = rng.choice(office)
        second = rng.choice(approvers)
        fields = dict(
            enterprise=ent,
            reward_item=item,
            award_date=created - dt.timedelta(days=rng.randint(10, 200)),
            reference=f"BENCH-{n:06d}",
            reference_canonical=f"bench-{n:06d}",
            issuing_body="国家市场监督管理总局" if n % 2 else "湖北省市场监督管理局",
            description="基准测试数据：企业申报说明。",
            status=status,
            amount_yuan=item.amount_yuan,
            funding_source=item.funding_source,
            provisional=item.provisional,
            declared_at=ctx.aware(created),
            submission_count=0 if status == S.DRAFT else 1,
            submitted_at=None if status == S.DRAFT else ctx.aware(created, 11),
            created_by=ctx.enterprise_users.get(ent.pk),
            created_at=ctx.aware(created, 9),
            updated_at=ctx.aware(created, 16),
        )
        steps = [("create", "", S.DRAFT, ctx.enterprise_users.get(ent.pk), created)]
        order = [S.SUBMITTED, S.FIRST_PASSED, S.SECOND_PASSED, S.PUBLICITY, S.AWAITING_PAYMENT, S.PAID]
        reached = order.index(status) if status in order else (0 if status != S.DRAFT else -1)
        day = created
        if reached >= 0:
            day += dt.timedelta(days=1)
            steps.append(("submit", S.DRAFT, S.SUBMITTED, ctx.enterprise_users.get(ent.pk), day))
        if reached >= 1 or status == S.REJECTED:
            day += dt.timedelta(days=rng.randint(2, 10))
            fields.update(first_reviewed_by=first, first_reviewed_at=ctx.aware(day))
            if status == S.REJECTED:
                steps.append(("first_reject", S.SUBMITTED, S.REJECTED, first, day))
            else:
                steps.append(("first_pass", S.SUBMITTED, S.FIRST_PASSED, first, day))
        if reached >= 2:
            day += dt.timedelta(days=rng.randint(1, 7))
            fields.update(second_reviewed_by=second, second_reviewed_at=ctx.aware(day))
            steps.append(("second_pass", S.FIRST_PASSED, S.SECOND_PASSED, second, day))
        if reached >= 3:
            batch = batches.get((day.year, min(4, (day.month - 1) // 3 + 1)))
            fields["publicity_batch"] = batch
            day += dt.timedelta(days=rng.randint(1, 20))
            steps.append(("publish", S.SECOND_PASSED, S.PUBLICITY, first, day))
        if reached >= 4:
            day += dt.timedelta(days=8)
            steps.append(("publicity_end", S.PUBLICITY, S.AWAITING_PAYMENT, None, day))
        if reached >= 5:
            day += dt.timedelta(days=rng.randint(10, 60))
            fields.update(
                paid_amount_yuan=item.amount_yuan,
                paid_on=min(day, ctx.today),
                voucher_number=f"PZ{n:07d}",
                payment_recorded_by=first,
                payment_recorded_at=ctx.aware(min(day, ctx.today)),
            )
            steps.append(("pay", S.AWAITING_PAYMENT, S.PAID, first, min(day, ctx.today)))
        if status == S.WITHDRAWN:
            steps.append(("withdraw", S.SUBMITTED, S.WITHDRAWN, ctx.enterprise_users.get(ent.pk), day))
        if status == S.RETURNED:
            steps.append(("return", S.SUBMITTED, S.RETURNED, first, day + dt.timedelta(days=3)))
        apps.append(make(Application, **fields))
        plan_events.append(steps)
    bulk(Application, apps, ctx)
    saved = list(Application.objects.filter(reference__startswith="BENCH-").order_by("reference"))

    events = []
    for app, steps in zip(saved, plan_events, strict=True):
        for action, before, after, actor, day in steps:
            events.append(
                make(
                    ApplicationEvent,
                    application=app,
                    action=action,
                    from_status=before,
                    to_status=after,
                    actor=actor,
                    comment="" if action != "return" else "请补充证书扫描件。",
                    created_at=ctx.aware(min(day, ctx.today), 15),
                )
            )
    bulk(ApplicationEvent, events, ctx)

    bulk(
        Attachment,
        [
            make(
                Attachment,
                application=app,
                file=f"awards/applications/bench/{app.pk}.pdf",
                original_name="证书扫描件.pdf",
                kind="pdf",
                size=245_760,
                uploaded_by=ctx.enterprise_users.get(app.enterprise_id) or office[0],
                uploaded_at=app.created_at,
            )
            for app in saved
        ],
        ctx,
    )

    # 报请 batches: each year's paid and payable awards of a funding source in one batch, replied
    # (two people) except this year's; a budget per year and source a fifth above what was asked (at most
    # the platform's bound on one amount: the full data set is ten cities)
    payable = (S.AWAITING_PAYMENT, S.PAID)
    groups: dict[tuple[int, str], list] = {}
    for app in saved:
        if app.status in payable and app.award_date and app.funding_source_id:
            groups.setdefault((app.award_date.year, app.funding_source_id), []).append(app)
    numbers: dict[int, int] = {}
    requests, budgets = [], []
    for (year, source), members in sorted(groups.items()):
        numbers[year] = numbers.get(year, 0) + 1
        total = sum(a.amount_yuan for a in members)
        replied = year < ctx.today.year
        requested_on = min(dt.date(year, 12, 1), ctx.today)
        requests.append(
            make(
                FundingRequest,
                year=year,
                number=numbers[year],
                funding_source_id=source,
                title=f"关于拨付{year}年度质量品牌奖励资金的请示（第{numbers[year]}批）",
                recipient="市人民政府",
                requested_on=requested_on,
                state=FundingRequest.State.REPLIED if replied else FundingRequest.State.REQUESTED,
                total_yuan=total,
                created_by=office[0],
                created_at=ctx.aware(requested_on),
                reply_number=f"监政函〔{year}〕{numbers[year]}号" if replied else "",
                reply_date=dt.date(year, 12, 20) if replied else None,
                reply_recorded_by=office[0] if replied else None,
                reply_confirmed_by=approvers[0] if replied else None,
            )
        )
        budgets.append(
            make(
                FundBudget,
                year=year,
                source_id=source,
                amount_yuan=min(total * 6 // 5, MAX_AMOUNT_YUAN),
                basis=f"{year}年预算批复",
            )
        )
    bulk(FundBudget, budgets, ctx)
    saved_requests = _with_pks(FundingRequest, requests, ctx, "requested_on")
    by_key = {(r.year, r.funding_source_id): r for r in saved_requests}
    bulk(
        FundingRequestItem,
        [
            make(
                FundingRequestItem,
                request=by_key[key],
                application=app,
                requested_amount_yuan=app.amount_yuan,
                decision="approved" if by_key[key].state == FundingRequest.State.REPLIED else "pending",
                approved_amount_yuan=app.amount_yuan
                if by_key[key].state == FundingRequest.State.REPLIED
                else None,
            )
            for key, members in groups.items()
            for app in members
        ],
        ctx,
    )


def _application_status(rng: random.Random, recent: bool) -> str:
    from awards.models import ApplicationStatus as S

    if recent:
        return rng.choices(
            [
                S.DRAFT,
                S.SUBMITTED,
                S.RETURNED,
                S.FIRST_PASSED,
                S.SECOND_PASSED,
                S.PUBLICITY,
                S.AWAITING_PAYMENT,
            ],
            weights=[10, 30, 8, 15, 10, 10, 17],
        )[0]
    return rng.choices([S.PAID, S.REJECTED, S.WITHDRAWN], weights=[80, 14, 6])[0]
