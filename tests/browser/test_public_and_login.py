import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_public_home_and_login_in_chinese(page, policy, users, login, shot):
    page.goto("/")
    assert "质量强市" in page.inner_text("h1")
    assert page.locator("table >> text=中国质量奖").count() >= 1
    shot(page, "01-home")
    page.click("text=奖励标准 >> nth=0")
    page.wait_for_url(re.compile(r".*/rewards/schedule/"))
    assert page.locator("tbody tr").count() == 18
    shot(page, "02-reward-schedule")
    page.goto("/policy/")
    shot(page, "03-policy")
    login(page, users["office"])
    assert "工作台" in page.inner_text("h1")
    shot(page, "04-office-workbench")
