"""core.policy keeps the policy document for a minute: a save forgets it at once, another process's
change (a queryset update here) is seen once the minute is over."""

import pytest

from core import policy
from core.models import PolicyDocument

pytestmark = pytest.mark.django_db


def test_the_document_is_read_once_then_kept(django_assert_num_queries):
    policy.policy_document()
    with django_assert_num_queries(0):
        assert policy.platform_name() == "监利市质量品牌工作平台"


def test_a_save_forgets_it_and_another_processs_change_is_seen_after_the_minute(monkeypatch):
    policy.policy_document()
    document = PolicyDocument.objects.get()
    document.platform_name = "改名后的平台"
    document.save()
    assert policy.platform_name() == "改名后的平台"
    PolicyDocument.objects.update(platform_name="另一进程改的名称")  # no signal in this process
    assert policy.platform_name() == "改名后的平台"
    start = policy._memo["at"]
    monkeypatch.setattr(policy.time, "monotonic", lambda: start + policy.MEMO_SECONDS + 1)
    assert policy.platform_name() == "另一进程改的名称"
