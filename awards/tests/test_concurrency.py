"""Two simultaneous submissions of the same award: exactly one is stored (PostgreSQL)."""

import datetime as dt
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from awards import services
from awards.models import Application
from awards.services import applications as applications_module

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_submissions_store_exactly_one(require_postgres, policy, users, monkeypatch):
    user = users["enterprise_a"]
    both_checked = threading.Barrier(2, timeout=10)
    real_check = applications_module.check_eligibility

    def check_then_wait(**kwargs):
        # both requests have passed the rule check before either writes: the race the constraint closes
        result = real_check(**kwargs)
        both_checked.wait()
        return result

    monkeypatch.setattr(applications_module, "check_eligibility", check_then_wait)
    outcomes: list = []

    def submit(reference):
        try:
            services.application_submit(
                enterprise=user.enterprise,
                reward_code="national_standard",
                award_date=dt.date(2023, 5, 1),
                reference=reference,
                by=user,
            )
            outcomes.append("stored")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        except Exception as exc:  # anything else is a failure of the test
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=submit, args=("GB/T 43210-2023",)),
        threading.Thread(target=submit, args=("gb/t 43210-2023",)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert outcomes.count("stored") == 1
    refused = [o for o in outcomes if o != "stored"][0]
    assert "同一奖项不得重复奖励" in refused
    assert Application.objects.filter(enterprise=user.enterprise).count() == 1


def _race(target, args):
    outcomes: list = []
    start = threading.Barrier(len(args), timeout=10)

    def run(arg):
        try:
            start.wait()
            target(arg)
            outcomes.append("done")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        except Exception as exc:  # anything else is a failure of the test
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in args]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


def test_two_simultaneous_payments_record_one_and_two_confirmations_pay_once(require_postgres, policy, users):
    from awards.tests.factories import ApplicationFactory, approve_by_reply

    application = ApplicationFactory(awaiting_payment=True)
    approve_by_reply([application], by=users["office"], checker=users["approver2"])

    def pay(voucher):
        services.payment_record(
            application=Application.objects.get(pk=application.pk),
            by=users["office"],
            amount_yuan=200_000,
            paid_on=dt.date(2025, 4, 1),
            voucher_number=voucher,
        )

    outcomes = _race(pay, ["V-1", "V-2"])
    assert outcomes.count("done") == 1, outcomes
    change = application.money_changes.get()

    def confirm(user_key):
        services.money_change_confirm(change=change, by=users[user_key])

    outcomes = _race(confirm, ["approver", "approver2"])
    assert outcomes.count("done") == 1, outcomes
    assert application.events.filter(action="pay").count() == 1
    application.refresh_from_db()
    assert application.status == "paid"


SPELLINGS = [
    "GB/T 43210-2023",
    "GB/T 43210\u20132023",
    "GBT 43210-2023",
    "GB/T 432\u200b10-2023",
    "ＧＢ／Ｔ　４３２１０－２０２３",
    "gb/t 43210-2023。",
    "GB/T 43210\u22122023",
    "GB/T\u2060 43210\u00ad-2023",
    " G B/T43210 - 2023 ",
    "GB\uff0fT 43210\u20142023.",
]


def test_fifty_simultaneous_spelling_variants_store_one_application(require_postgres, policy, users):
    """50 threads submit spelling variants of one standard at once: the constraint stores one."""
    user = users["enterprise_a"]
    start = threading.Barrier(50, timeout=30)
    outcomes: list = []
    lock = threading.Lock()

    def submit(reference):
        try:
            start.wait()
            services.application_submit(
                enterprise=user.enterprise,
                reward_code="national_standard",
                award_date=dt.date(2023, 5, 1),
                reference=reference,
                by=user,
            )
            outcome = "stored"
        except ValidationError as exc:
            outcome = exc.messages[0]
        except Exception as exc:  # anything else (a 500) is a failure of the test
            outcome = repr(exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=submit, args=(SPELLINGS[n % len(SPELLINGS)],)) for n in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(outcomes) == 50
    assert outcomes.count("stored") == 1
    stored = Application.objects.get(enterprise=user.enterprise)
    refused = [o for o in outcomes if o != "stored"]
    assert all("同一奖项不得重复奖励" in o and stored.code in o for o in refused), set(refused)
    assert stored.reference_canonical == "gbt43210-2023"


def test_two_simultaneous_batches_of_the_same_application_keep_one(require_postgres, policy, users):
    from awards.models import FundingRequest, FundingRequestItem
    from awards.tests.factories import ApplicationFactory

    application = ApplicationFactory(awaiting_payment=True)

    def batch(who):
        services.funding_request_create(
            applications=[Application.objects.get(pk=application.pk)], by=users[who]
        )

    outcomes = _race(batch, ["office", "approver"])
    assert outcomes.count("done") == 1, outcomes
    assert FundingRequestItem.objects.filter(application=application, live=True).count() == 1
    assert FundingRequest.objects.count() == 1


def test_two_approvals_at_once_never_exceed_the_yearly_cap(require_postgres, policy, users, monkeypatch):
    from awards.models import RewardGroup, RewardItem
    from awards.services import review as review_module
    from awards.tests.factories import ApplicationFactory

    group = RewardGroup.objects.create(code="capped", name="标准化奖励", yearly_cap_yuan=500_000)
    for code in ("std_a", "std_b"):
        RewardItem.objects.create(
            code=code,
            name=code,
            amount_yuan=300_000,
            funding_source_id="city",
            family=code,
            group=group,
            effective_from=dt.date(2024, 1, 1),
        )
    enterprise = users["enterprise_a"].enterprise
    apps = [
        ApplicationFactory(
            enterprise=enterprise,
            reward_item=RewardItem.objects.get(code=code),
            award_date=dt.date(2025, 5, 1),
            first_passed=True,
            first_reviewed_by=users["office"],
        )
        for code in ("std_a", "std_b")
    ]
    real = review_module.assess_amount

    def slow_assess(**kwargs):
        # hold the computed amount a while: without the lock both approvals read "nothing approved"
        result = real(**kwargs)
        time.sleep(0.5)
        return result

    monkeypatch.setattr(review_module, "assess_amount", slow_assess)
    approvers = {apps[0].pk: users["approver"], apps[1].pk: users["approver2"]}

    def approve(application):
        services.application_second_review(
            application=application, by=approvers[application.pk], decision="pass"
        )

    outcomes = _race(approve, apps)
    assert outcomes == ["done", "done"]
    amounts = sorted(
        Application.objects.filter(pk__in=[a.pk for a in apps]).values_list("amount_yuan", flat=True)
    )
    assert amounts == [200_000, 300_000]
