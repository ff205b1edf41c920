"""Target categories are data of each plan (the pack's target_categories); Jianli's are unchanged."""

import pytest

from targets.models import Plan, TargetCategory

pytestmark = pytest.mark.django_db


def test_the_jianli_plan_keeps_its_categories_codes_and_names(policy):
    plan = Plan.objects.get(code=policy.code)
    assert list(plan.categories.values_list("code", "name")) == [
        ("quality", "质量发展"),
        ("brand", "品牌引领"),
        ("foundation", "质量基础"),
    ]
    assert {t.get_category_display() for t in plan.targets.all()} == {"质量发展", "品牌引领", "质量基础"}


def test_a_plan_without_categories_of_its_own_uses_the_first_packs(policy):
    plan = Plan.objects.create(code="later", name="后续规划", start_date="2026-01-01", end_date="2030-12-31")
    assert not TargetCategory.objects.filter(plan=plan).exists()
    assert plan.category_names() == {"quality": "质量发展", "brand": "品牌引领", "foundation": "质量基础"}
