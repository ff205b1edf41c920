"""Factories for reward applications; states are traits. Services are used where the path matters."""

import datetime as dt

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from awards.models import Application, PublicityBatch, RewardItem
from awards.validators import canonical_reference
from tests.factories import EnterpriseFactory, UserFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def pdf(name: str = "证书.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def item(code: str) -> RewardItem:
    return RewardItem.objects.get(code=code)


class PublicityBatchFactory(DjangoModelFactory):
    class Meta:
        model = PublicityBatch

    year = 2025
    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda o: f"{o.year}年度质量品牌奖励拟奖励名单公示（第{o.number}批）")
    start_date = dt.date(2025, 3, 3)
    end_date = dt.date(2025, 3, 10)
    workdays = 5
    contact_phone = "0716-3300000"
    contact_address = "监利市容城镇玉沙路 1 号 市市场监管局"
    published_by = factory.SubFactory(UserFactory, role="office_staff")


class ApplicationFactory(DjangoModelFactory):
    """A submitted application of a verified enterprise (national standard, 200,000 元, city)."""

    class Meta:
        model = Application

    enterprise = factory.SubFactory(EnterpriseFactory, verified=True)
    reward_item = factory.LazyFunction(lambda: item("national_standard"))
    award_date = dt.date(2023, 5, 1)
    reference = factory.Sequence(lambda n: f"GB/T 4{n:04d}-2023")
    reference_canonical = factory.LazyAttribute(lambda o: canonical_reference(o.reference))
    issuing_body = "国家市场监督管理总局 国家标准化管理委员会"
    status = Application.Status.SUBMITTED
    amount_yuan = factory.LazyAttribute(lambda o: o.reward_item.amount_yuan)
    funding_source = factory.LazyAttribute(lambda o: o.reward_item.funding_source)
    provisional = factory.LazyAttribute(lambda o: o.reward_item.provisional)
    submitted_at = factory.LazyFunction(timezone.now)
    declared_at = factory.LazyFunction(timezone.now)
    submission_count = 1

    class Params:
        draft = factory.Trait(status=Application.Status.DRAFT, submitted_at=None, submission_count=0)
        first_passed = factory.Trait(
            status=Application.Status.FIRST_PASSED,
            first_reviewed_by=factory.SubFactory(UserFactory, role="office_staff"),
            first_reviewed_at=factory.LazyFunction(timezone.now),
        )
        second_passed = factory.Trait(
            status=Application.Status.SECOND_PASSED,
            first_reviewed_by=factory.SubFactory(UserFactory, role="office_staff"),
            first_reviewed_at=factory.LazyFunction(timezone.now),
            second_reviewed_by=factory.SubFactory(UserFactory, role="office_approver"),
            second_reviewed_at=factory.LazyFunction(timezone.now),
        )
        in_publicity = factory.Trait(
            status=Application.Status.PUBLICITY,
            publicity_batch=factory.SubFactory(PublicityBatchFactory),
        )
        awaiting_payment = factory.Trait(
            status=Application.Status.AWAITING_PAYMENT,
            publicity_batch=factory.SubFactory(PublicityBatchFactory),
        )
        paid = factory.Trait(
            status=Application.Status.PAID,
            paid_amount_yuan=factory.LazyAttribute(lambda o: o.amount_yuan),
            paid_on=dt.date(2025, 4, 1),
            voucher_number=factory.Sequence(lambda n: f"PZ-{n:05d}"),
        )


def approve_by_reply(applications, *, by, checker, amounts=None, requested_on=dt.date(2025, 3, 20)):
    """Take applications 待拨付 through a 报请 batch and a confirmed reply approving them (the only
    way to payment). ``amounts`` maps an application to its approved amount (default: requested)."""
    from awards import services
    from awards.models import MoneyChange

    applications = list(applications)
    request = services.funding_request_create(applications=applications, by=by, requested_on=requested_on)
    amounts = amounts or {}
    change = services.funding_reply_record(
        request=request,
        by=by,
        reply_number=f"荆政函〔2025〕{request.pk}号",
        reply_date=requested_on + dt.timedelta(days=5),
        decisions={
            a.pk: {"approved": True, "amount_yuan": amounts.get(a.pk, a.amount_yuan), "reason": ""}
            for a in applications
        },
        today=requested_on + dt.timedelta(days=6),
    )
    services.money_change_confirm(change=change, by=checker)
    assert MoneyChange.objects.get(pk=change.pk).state == "confirmed"
    for a in applications:
        a.refresh_from_db()
    request.refresh_from_db()
    return request
