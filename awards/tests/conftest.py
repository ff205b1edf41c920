import datetime as dt

import pytest

from awards import services
from awards.tests.factories import pdf


@pytest.fixture
def ent_user(users):
    """The enterprise user of 甲企业, whose enterprise the office has verified."""
    user = users["enterprise_a"]
    from django.utils import timezone

    user.enterprise.verified_at = timezone.now()
    user.enterprise.save()
    return user


@pytest.fixture
def submit(ent_user):
    """Submit an application through the service, as the enterprise would."""

    def _submit(user=None, **overrides):
        user = user or ent_user
        values = {
            "enterprise": user.enterprise,
            "reward_code": "national_standard",
            "award_date": dt.date(2023, 5, 1),
            "reference": "GB/T 43210-2023",
            "by": user,
            "issuing_body": "国家市场监督管理总局",
            "attachments": [pdf()],
        }
        values.update(overrides)
        return services.application_submit(**values)

    return _submit


@pytest.fixture
def reviewed(submit, users):
    """An application that passed 初审 (office1) and 复核 (approver1)."""

    def _reviewed(**overrides):
        application = submit(**overrides)
        services.application_first_review(application=application, by=users["office"], decision="pass")
        return services.application_second_review(
            application=application, by=users["approver"], decision="pass"
        )

    return _reviewed
