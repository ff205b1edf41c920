"""我的申报, 资金变更审核, 奖励标准维护, 公示管理 and 注册核查申请: the filter narrows, a bad value is a Chinese error
and changes nothing else, the headers sort, and the page costs the same queries with more rows."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from awards.models import Application, MoneyChange, RegistrationReview, RewardItem
from awards.tests.factories import PDF_BYTES, ApplicationFactory, PublicityBatchFactory, item
from tests.factories import EnterpriseFactory, RewardItemFactory, UserFactory

pytestmark = pytest.mark.django_db


def _count(client, url, params) -> int:
    client.get(url, params)  # per-process caches as in a running server
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _rows(response, attr):
    return [getattr(r, attr) if not isinstance(r, dict) else r[attr] for r in response.context["page_obj"]]


# --- 我的申报 ------------------------------------------------------------------------------------


@pytest.fixture
def mine(users):
    enterprise = users["enterprise_a"].enterprise
    draft = ApplicationFactory(enterprise=enterprise, draft=True, reference="GB/T 10001-2023")
    submitted = ApplicationFactory(
        enterprise=enterprise,
        reward_item=item("group_standard"),
        award_date=dt.date(2024, 6, 1),
        reference="T/JL 002-2024",
    )
    ApplicationFactory(enterprise=users["enterprise_b"].enterprise, reference="T/JL 999-2024")  # not theirs
    return draft, submitted


def test_my_applications_rows_show_each_cases_number_state_and_what_the_enterprise_may_do(
    client, users, mine
):
    """The rows (read without models) as the cases are: number, item, amount (none for a draft), the
    state's badge, and 继续填写 for a draft, 补正 for a returned case, nothing to edit otherwise."""
    from awards.models import Application

    draft, submitted = mine
    returned = ApplicationFactory(enterprise=draft.enterprise, status=Application.Status.RETURNED)
    client.force_login(users["enterprise_a"])
    rows = {
        r.split('class="nowrap">')[1].split("<")[0]: r
        for r in client.get(reverse("awards:my_applications")).context["rows"]
    }
    assert set(rows) == {draft.code, submitted.code, returned.code}
    assert ">继续填写</a>" in rows[draft.code] and '<td class="num">—</td>' in rows[draft.code]
    assert ">补正</a>" in rows[returned.code]
    assert "继续填写" not in rows[submitted.code] and "补正" not in rows[submitted.code]
    assert submitted.reward_item.name in rows[submitted.code] and "T/JL 002-2024" in rows[submitted.code]
    for case in (draft, submitted, returned):
        assert f'badge {case.status_badge}">{case.get_status_display()}</span>' in rows[case.code]
        assert reverse("awards:application_detail", args=[case.pk]) in rows[case.code]


def test_my_applications_filter_by_status_reward_year_and_number(client, users, mine):
    draft, submitted = mine
    client.force_login(users["enterprise_a"])
    url = reverse("awards:my_applications")
    assert _rows(client.get(url), "pk") == [submitted.pk, draft.pk]
    assert _rows(client.get(url, {"status": "draft"}), "pk") == [draft.pk]
    assert _rows(client.get(url, {"reward_item": item("group_standard").pk}), "pk") == [submitted.pk]
    assert _rows(client.get(url, {"year": 2024}), "pk") == [submitted.pk]
    assert _rows(client.get(url, {"q": submitted.code}), "pk") == [submitted.pk]
    assert _rows(client.get(url, {"q": "JL 002"}), "pk") == [submitted.pk]
    page = client.get(url, {"q": "T/JL 999"})  # another enterprise's reference: never found here
    assert _rows(page, "pk") == [] and "没有符合条件的申报" in page.content.decode()


def test_my_applications_bad_filter_is_a_chinese_error_and_lists_everything(client, users, mine):
    client.force_login(users["enterprise_a"])
    page = client.get(reverse("awards:my_applications"), {"status": "paid-ish", "year": "二〇二四"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "筛选条件有误" in body and "选择一个有效的选项" in body
    assert len(_rows(page, "pk")) == 2


def test_my_applications_sort_by_award_date_both_ways(client, users, mine):
    draft, submitted = mine  # awarded 2023-05-01 and 2024-06-01
    client.force_login(users["enterprise_a"])
    url = reverse("awards:my_applications")
    assert _rows(client.get(url, {"o": "award_date"}), "pk") == [draft.pk, submitted.pk]
    page = client.get(url, {"o": "-award_date"})
    assert _rows(page, "pk") == [submitted.pk, draft.pk] and "获奖日期 ▼" in page.content.decode()


def test_my_applications_query_count_does_not_grow(client, users, mine):
    client.force_login(users["enterprise_a"])
    url, params = reverse("awards:my_applications"), {"o": "-amount", "q": "T"}
    small = _count(client, url, params)
    for n in range(6):
        ApplicationFactory(enterprise=users["enterprise_a"].enterprise, reference=f"T/JL {100 + n}-2024")
    assert _count(client, url, params) == small


# --- 资金变更审核 -----------------------------------------------------------------------------------


def _decided(users, *, kind, state, summary, days_ago, app=None):
    made = timezone.now() - dt.timedelta(days=days_ago)
    return MoneyChange.objects.create(
        kind=kind,
        state=state,
        summary=summary,
        application=app,
        made_by=users["office"],
        made_at=made,
        checked_by=users["approver"],
        checked_at=made + dt.timedelta(hours=1),
    )


@pytest.fixture
def changes(users):
    paid = _decided(
        users,
        kind=MoneyChange.Kind.PAYMENT,
        state=MoneyChange.State.CONFIRMED,
        summary="拨付 20 万元",
        days_ago=3,
        app=ApplicationFactory(enterprise=users["enterprise_a"].enterprise),
    )
    budget = _decided(
        users,
        kind=MoneyChange.Kind.BUDGET,
        state=MoneyChange.State.REFUSED,
        summary="预算 500 万元",
        days_ago=1,
    )
    return paid, budget


def test_money_changes_filter_by_kind_state_and_enterprise(client, users, changes):
    paid, budget = changes
    client.force_login(users["office"])
    url = reverse("awards:money_changes")
    assert _rows(client.get(url), "pk") == [budget.pk, paid.pk]  # newest decision first
    assert _rows(client.get(url, {"kind": "payment"}), "pk") == [paid.pk]
    assert _rows(client.get(url, {"state": "refused"}), "pk") == [budget.pk]
    assert _rows(client.get(url, {"q": "甲企业"}), "pk") == [paid.pk]
    assert _rows(client.get(url, {"year": timezone.localdate().year - 5}), "pk") == []


def test_money_changes_bad_filter_is_refused_in_chinese_and_confirms_nothing(client, users, changes):
    client.force_login(users["office"])
    page = client.get(reverse("awards:money_changes"), {"state": "pending", "year": "1800"})
    body = page.content.decode()
    assert page.status_code == 200 and "筛选条件有误" in body
    assert "pending" not in [v for v, _ in page.context["filter"].form.fields["state"].choices]
    assert len(_rows(page, "pk")) == 2
    assert MoneyChange.objects.filter(state=MoneyChange.State.PENDING).count() == 0


def test_money_changes_sort_by_kind(client, users, changes):
    paid, budget = changes
    client.force_login(users["office"])
    url = reverse("awards:money_changes")
    assert _rows(client.get(url, {"o": "kind"}), "pk") == [budget.pk, paid.pk]  # budget < payment
    assert _rows(client.get(url, {"o": "-kind"}), "pk") == [paid.pk, budget.pk]
    assert _rows(client.get(url, {"o": "made"}), "pk") == [paid.pk, budget.pk]


def test_money_changes_query_count_does_not_grow(client, users, changes):
    client.force_login(users["office"])
    url, params = reverse("awards:money_changes"), {"o": "-made"}
    small = _count(client, url, params)
    for n in range(6):
        _decided(
            users,
            kind=MoneyChange.Kind.PAYMENT,
            state=MoneyChange.State.CONFIRMED,
            summary=f"拨付{n}",
            days_ago=n,
            app=ApplicationFactory(),
        )
    assert _count(client, url, params) == small


# --- 奖励标准维护 -----------------------------------------------------------------------------------


def test_reward_items_filter_by_fund_state_and_name(client, users, policy):
    client.force_login(users["office"])
    url = reverse("awards:reward_items")
    everything = list(RewardItem.objects.order_by("order", "id").values_list("code", flat=True))
    assert _items(client.get(url)) == everything
    city = _items(client.get(url, {"funding_source": "city"}))
    assert city and set(city) == set(
        RewardItem.objects.filter(funding_source="city").values_list("code", flat=True)
    )
    assert _items(client.get(url, {"q": "中国质量奖"})) == [
        "china_quality_award",
        "china_quality_award_nomination",
    ]
    RewardItem.objects.filter(code="scenic_3a").update(active=False)
    assert _items(client.get(url, {"active": "false"})) == ["scenic_3a"]
    assert "scenic_3a" not in _items(client.get(url, {"active": "true"}))


def _items(response):
    return [r.code for r in response.context["items"]]


def test_reward_items_bad_filter_is_a_chinese_error_and_lists_every_line(client, users, policy):
    client.force_login(users["office"])
    page = client.get(reverse("awards:reward_items"), {"funding_source": "moon", "active": "maybe"})
    assert page.status_code == 200 and "筛选条件有误" in page.content.decode()
    assert len(_items(page)) == RewardItem.objects.count()


def test_reward_items_sort_by_amount(client, users, policy):
    client.force_login(users["office"])
    url = reverse("awards:reward_items")
    amounts = [r.amount_yuan for r in client.get(url, {"o": "-amount"}).context["items"]]
    assert amounts == sorted(amounts, reverse=True) and amounts[0] == 2000000
    assert _items(client.get(url, {"o": "amount"}))[-1] == "china_quality_award"


def test_reward_items_query_count_does_not_grow(client, users, policy):
    client.force_login(users["office"])
    url, params = reverse("awards:reward_items"), {"o": "source"}
    small = _count(client, url, params)
    for _ in range(5):
        RewardItemFactory()
    assert _count(client, url, params) == small


# --- 公示管理 ------------------------------------------------------------------------------------


@pytest.fixture
def batches(users):
    today = timezone.localdate()
    ended = PublicityBatchFactory(
        year=2024,
        title="往年公示",
        start_date=today - dt.timedelta(days=60),
        end_date=today - dt.timedelta(days=50),
    )
    current = PublicityBatchFactory(
        year=today.year,
        title="本期公示",
        start_date=today - dt.timedelta(days=1),
        end_date=today + dt.timedelta(days=6),
    )
    ApplicationFactory(in_publicity=True, publicity_batch=current)
    ApplicationFactory(in_publicity=True, publicity_batch=current)
    ApplicationFactory(awaiting_payment=True, publicity_batch=ended)
    return ended, current


def test_publicity_batches_filter_by_state_year_and_title(client, users, batches):
    ended, current = batches
    client.force_login(users["office"])
    url = reverse("awards:publicity_manage")
    assert _rows(client.get(url), "title") == ["本期公示", "往年公示"]
    assert _rows(client.get(url, {"state": "open"}), "title") == ["本期公示"]
    assert _rows(client.get(url, {"state": "ended"}), "title") == ["往年公示"]
    assert _rows(client.get(url, {"state": "future"}), "title") == []
    assert _rows(client.get(url, {"year": 2024}), "title") == ["往年公示"]
    assert _rows(client.get(url, {"q": "本期"}), "title") == ["本期公示"]


def test_publicity_batches_bad_filter_is_a_chinese_error_and_publishes_nothing(client, users, batches):
    client.force_login(users["office"])
    page = client.get(reverse("awards:publicity_manage"), {"state": "closed", "year": "x"})
    assert page.status_code == 200 and "筛选条件有误" in page.content.decode()
    assert len(_rows(page, "title")) == 2
    assert Application.objects.filter(status=Application.Status.PUBLICITY).count() == 2


def test_publicity_batches_sort_by_entries(client, users, batches):
    client.force_login(users["office"])
    url = reverse("awards:publicity_manage")
    assert _rows(client.get(url, {"o": "entries"}), "title") == ["往年公示", "本期公示"]
    page = client.get(url, {"o": "-entries"})
    assert _rows(page, "title") == ["本期公示", "往年公示"] and "公示对象 ▼" in page.content.decode()


def test_publicity_batches_query_count_does_not_grow(client, users, batches):
    client.force_login(users["office"])
    url, params = reverse("awards:publicity_manage"), {"o": "-start", "state": "ended"}
    small = _count(client, url, params)
    today = timezone.localdate()
    for n in range(6):
        batch = PublicityBatchFactory(
            start_date=today - dt.timedelta(days=40 + n), end_date=today - dt.timedelta(days=30 + n)
        )
        ApplicationFactory(awaiting_payment=True, publicity_batch=batch)
    assert _count(client, url, params) == small


# --- 注册核查申请 ----------------------------------------------------------------------------------


def _review(company, *, status=RegistrationReview.Status.OPEN):
    enterprise = EnterpriseFactory(name=f"{company}的登记企业")
    return RegistrationReview.objects.create(
        credit_code=enterprise.credit_code,
        company_name=company,
        contact_person="张三",
        contact_phone="13800000000",
        explanation="代码被他人注册。",
        licence=ContentFile(PDF_BYTES, name="licence.pdf"),
        requester=UserFactory(role="enterprise", is_active=False),
        enterprise=enterprise,
        status=status,
    )


def test_registration_reviews_filter_sort_and_refuse_a_bad_state(client, users):
    open_review = _review("乙方科技")
    declined = _review("甲方制造", status=RegistrationReview.Status.DECLINED)
    client.force_login(users["office"])
    url = reverse("awards:registration_reviews")
    assert _rows(client.get(url), "pk") == [declined.pk, open_review.pk]
    assert _rows(client.get(url, {"status": "open"}), "pk") == [open_review.pk]
    assert _rows(client.get(url, {"q": "甲方"}), "pk") == [declined.pk]
    assert _rows(client.get(url, {"o": "created"}), "pk") == [open_review.pk, declined.pk]
    bad = client.get(url, {"status": "closed"})
    assert bad.status_code == 200 and "筛选条件有误" in bad.content.decode()
    assert len(_rows(bad, "pk")) == 2
    assert RegistrationReview.objects.filter(status=RegistrationReview.Status.OPEN).count() == 1


def test_registration_reviews_query_count_does_not_grow(client, users):
    _review("丙方")
    client.force_login(users["office"])
    url, params = reverse("awards:registration_reviews"), {"o": "-enterprise"}
    small = _count(client, url, params)
    for n in range(6):
        _review(f"丁方{n}")
    assert _count(client, url, params) == small
