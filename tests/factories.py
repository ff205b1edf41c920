"""Factories shared across apps. App-specific factories live in ``<app>/tests/factories.py``."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import User
from awards.models import Enterprise, RewardItem
from committee.models import MemberUnit
from portal.demo import make_credit_code

TEST_PASSWORD = "Test#Passw0rd-2026"


class MemberUnitFactory(DjangoModelFactory):
    class Meta:
        model = MemberUnit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试单位{n}")
    full_name = factory.LazyAttribute(lambda o: f"监利市{o.name}")
    kind = MemberUnit.Kind.BUREAU


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"监利测试企业{n}有限公司")
    credit_code = factory.Sequence(lambda n: make_credit_code(f"91421081MA4{n:06d}"))
    address = "监利市容城镇测试路 1 号"
    contact_person = "张三"
    contact_phone = "13800000000"

    class Params:
        verified = factory.Trait(verified_at=factory.LazyFunction(timezone.now))


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@test.jianli.local")
    role = User.Role.OFFICE_STAFF
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create and results:
            instance.save()


class RewardItemFactory(DjangoModelFactory):
    class Meta:
        model = RewardItem
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test_item_{n}")
    name = factory.Sequence(lambda n: f"测试奖项{n}")
    amount_yuan = 100000
    funding_source_id = "city"
    family = factory.LazyAttribute(lambda o: o.code)
    effective_from = datetime.date(2022, 1, 1)
