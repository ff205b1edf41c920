"""三(二)'s three payers loaded as data, each with its ordered approval path (issue 17 point 1)."""

import pytest

from awards.models import FundingPath, FundingStep
from policypack.loader import load_pack as load_policy

pytestmark = pytest.mark.django_db


def steps(source):
    return list(
        FundingStep.objects.filter(path__source=source).order_by("order").values_list("name", flat=True)
    )


def test_the_three_funding_paths_are_loaded_with_their_steps_in_order(policy):
    assert set(FundingPath.objects.values_list("source", flat=True)) == {"jingzhou", "province", "city"}
    assert steps("jingzhou") == ["报请荆州市人民政府", "荆州批复", "资金到位", "拨付"]
    assert steps("province") == ["市商务局申报", "省级拨付", "拨付"]
    assert steps("city") == ["报请市政府", "市政府批复", "专项资金拨付"]
    reply = FundingStep.objects.get(path__source="jingzhou", name="荆州批复")
    assert (reply.actor, reply.receives) == ("荆州市人民政府", "批复") and "核定金额" in reply.records
    assert FundingStep.objects.get(path__source="city", order=1).produces.startswith("请示")
    assert FundingPath.objects.get(source="province").provisional
    assert FundingPath.objects.get(source="city").fund == "监利市质量品牌发展专项资金"


def test_loading_again_changes_nothing_and_keeps_the_office_edit(policy):
    step = FundingStep.objects.get(path__source="city", order=2)
    step.actor = "监利市人民政府办公室"
    step.save()
    report = load_policy()
    assert report.changed == 0
    assert FundingStep.objects.get(pk=step.pk).actor == "监利市人民政府办公室"
    assert FundingStep.objects.count() == 10


def test_the_office_sees_each_path_on_the_schedule_page(client, users, policy):
    from django.urls import reverse

    client.force_login(users["office"])
    body = client.get(reverse("awards:reward_items")).content.decode()
    section = body.split('id="funding-paths"')[1]
    for name in (
        "报请荆州市人民政府",
        "荆州批复",
        "资金到位",
        "市商务局申报",
        "省级拨付",
        "市政府批复",
        "专项资金拨付",
    ):
        assert name in section, name
