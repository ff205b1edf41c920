"""Issue 19 in a real browser, at 1366×768 and at 390×844: every page an enterprise, a member unit
and the office reach from their menus fits the phone's width (no horizontal page scroll), the top
bar folds into a menu, confirmations say what will happen, submit buttons lock with 提交中…, the
unit picker searches and selects a whole group, and uploads show their limit and progress."""

import re
import time

import pytest
from django.utils import timezone

from awards.tests.factories import PDF_BYTES, ApplicationFactory
from targets.services import period_open
from tests.browser.conftest import SCREENSHOTS, _check_page
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"desktop": (1366, 768), "phone": (390, 844)}
SKIP = ("logout", "/download", "export", ".xlsx", ".docx", "/files/", "/admin", "template", "/licence")


def _context(browser, live_server, size):
    width, height = SIZES[size]
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="zh-CN", base_url=live_server.url
    )
    context.set_default_timeout(10000)
    return context


def _login(page, user):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/workbench/.*"))


def _fits(page) -> None:
    """The assertion of issue 19 point 1, on the page as shown."""
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{page.url} is {scroll}px wide in a {inner}px window"


def _snap(page, folder, name):
    page.wait_for_load_state("networkidle")
    if page.viewport_size["width"] <= 400:
        _fits(page)
    _check_page(page)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _menu_paths(page) -> list[str]:
    paths = page.eval_on_selector_all(
        "nav.sidebar a[href^='/'], header .user a[href^='/']", "els => els.map(e => e.getAttribute('href'))"
    )
    return [p for p in dict.fromkeys(paths) if not any(s in p for s in SKIP)]


def _walk(browser, live_server, user, size, folder, extra=()):
    context = _context(browser, live_server, size)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _login(page, user)
    visited = []
    for path in [*_menu_paths(page), *extra]:
        page.goto(path)
        visited.append(path)
        name = re.sub(r"[^a-zA-Z0-9]+", "-", path).strip("-") or "home"
        _snap(page, folder / size, name)
    assert not errors, f"JavaScript errors: {errors}"
    return context, page, visited


# the filtered and sorted lists (issue 19 point 7), with their filter bars open, at both sizes
LISTS = {
    "enterprise_a": ["/awards/applications/?o=-amount&status=submitted"],
    "unit_a": [
        "/meetings/followups/?o=-deadline&q=任务",
        "/meetings/followups/overdue/?o=unit",
        "/meetings/?o=term",
        "/targets/reports/?o=status",
    ],
    "office": [
        "/meetings/followups/?o=unit&status=overdue",
        "/meetings/followups/overdue/?o=deadline",
        "/meetings/?year=2025&o=-term",
        "/awards/office/enterprises/?state=all&o=name",
        "/awards/office/money/payments/?o=-award_date",
        "/awards/office/applications/?o=-code",
        "/committee/units/?o=kind",
        "/targets/reports/?o=unit",
        "/targets/periods/history/",
        "/targets/statistics/import/?history=1",
        "/awards/office/money/changes/?o=kind",
        "/awards/office/reward-items/?o=-amount&funding_source=city",
        "/awards/office/publicity/?o=-entries",
        "/awards/office/publicity/new/",
        "/meetings/workplans/?o=year",
        "/assessment/?o=year&status=draft",
    ],
}


@pytest.fixture
def data(policy, users):
    enterprise = users["enterprise_a"].enterprise
    enterprise.verified_at = timezone.now()
    enterprise.save()
    application = ApplicationFactory(enterprise=enterprise)
    period, _ = period_open(plan=policy, year=2025, half=1, by=users["office"])
    return {"application": application, "period": period}


@pytest.mark.parametrize("size", ["phone", "desktop"])
@pytest.mark.parametrize("role", ["enterprise_a", "unit_a", "office"])
def test_every_menu_page_fits_the_screen(browser, live_server, settings, users, data, role, size):
    settings.SITE_URL = live_server.url
    extra = {
        "enterprise_a": [
            data["application"].get_absolute_url(),
            "/awards/applications/new/",
            *LISTS["enterprise_a"],
        ],
        "unit_a": [
            f"/targets/reports/{data['period'].reports.get(unit=users['unit_a'].member_unit).pk}/",
            *LISTS["unit_a"],
        ],
        "office": [
            data["application"].get_absolute_url(),
            f"/targets/items/{data['period'].plan.targets.first().pk}/edit/",
            *LISTS["office"],
        ],
    }[role]
    context, page, visited = _walk(
        browser, live_server, users[role], size, SCREENSHOTS / "screens" / role, extra
    )
    assert len(visited) >= 4
    context.close()


def test_phone_menu_opens_and_shows_the_user_block(browser, live_server, users, data):
    context = _context(browser, live_server, "phone")
    page = context.new_page()
    _login(page, users["enterprise_a"])
    assert not page.locator("header .user").is_visible()
    assert not page.locator("nav.sidebar").is_visible()
    page.click("[data-menu-toggle]")
    assert page.locator("header .user").is_visible() and page.locator("nav.sidebar").is_visible()
    assert page.locator("header .user >> text=退出").is_visible()
    _snap(page, SCREENSHOTS / "screens" / "menu", "phone-menu-open")
    page.click("nav.sidebar >> text=我的申报")
    page.wait_for_url(re.compile(r".*/awards/applications/$"))
    _fits(page)
    # the list is a stack of cards on the phone: status and amount are on screen
    card = page.locator("table.cards-sm tbody tr").first
    assert card.locator("td[data-label='状态']").is_visible()
    assert card.locator("td[data-label='核定金额']").bounding_box()["x"] >= 0
    box = card.bounding_box()
    assert box["x"] + box["width"] <= 390
    context.close()


def test_final_decisions_ask_with_their_consequence_and_buttons_lock(browser, live_server, users, data):
    context = _context(browser, live_server, "desktop")
    page = context.new_page()
    _login(page, users["office"])
    application = data["application"]
    page.goto(application.get_absolute_url())
    messages = []

    def answer(dialog):
        messages.append(dialog.message)
        dialog.dismiss() if len(messages) == 1 else dialog.accept()

    page.on("dialog", answer)
    page.check("input[name=decision][value=pass]")
    page.click("text=提交初审意见")
    assert "初审通过" in messages[0] and "不能修改" in messages[0]
    application.refresh_from_db()
    assert application.status == "submitted"  # dismissed: nothing happened

    # what the page shows while the request runs is recorded in sessionStorage (it survives the
    # navigation), and a second press is tried at that moment
    page.evaluate(
        """() => document.addEventListener("submit", (e) => setTimeout(() => {
            const b = document.querySelector("button.is-busy");
            sessionStorage.setItem("busy", JSON.stringify(b && [b.textContent, b.disabled]));
            e.target.requestSubmit();
        }, 30))"""
    )
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.click("text=提交初审意见")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => JSON.parse(sessionStorage.getItem('busy'))") == ["提交中…", True]
    assert len(posts) == 1  # the second press while the first ran sent nothing
    page.wait_for_load_state("networkidle")
    _snap(page, SCREENSHOTS / "screens" / "confirm", "after-first-review")
    application.refresh_from_db()
    assert application.status == "first_passed"
    context.close()


def test_unit_picker_searches_and_selects_a_whole_group(browser, live_server, users, policy):
    from committee.fields import GROUPS
    from committee.models import MemberUnit

    context = _context(browser, live_server, "phone")
    page = context.new_page()
    _login(page, users["office"])
    page.goto(f"/targets/items/{policy.targets.first().pk}/edit/")
    page.locator("#id_support_units-ts-control").click()
    page.locator(".ts-dropdown:visible").wait_for()
    page.locator(".ts-dropdown:visible .optgroup-header", has_text=GROUPS[1]).locator(
        "[data-select-group]"
    ).dispatch_event("mousedown")
    page.keyboard.type("农业")
    assert page.locator(".ts-dropdown:visible .option", has_text="市农业农村局").is_visible()
    _snap(page, SCREENSHOTS / "screens" / "picker", "phone-picker")
    chosen = page.evaluate(
        "() => Array.from(document.querySelectorAll('select[name=support_units] option:checked')).map(o => o.textContent)"
    )
    towns = set(
        MemberUnit.objects.filter(active=True, kind__in=["township", "zone"]).values_list("name", flat=True)
    )
    assert towns <= set(chosen)
    context.close()


def test_upload_shows_its_limit_progress_and_asks_again_after_a_refusal(browser, live_server, users, data):
    context = _context(browser, live_server, "phone")
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    _login(page, users["enterprise_a"])
    page.goto("/awards/applications/new/")
    assert "每个文件不超过 10 MB" in page.locator(".upload-limit").first.inner_text()
    big = PDF_BYTES[:-6] + b"0" * (600 * 1024) + b"\n%%EOF\n"
    page.set_input_files(
        "input[name=attachments]", files=[{"name": "证书.pdf", "mimeType": "application/pdf", "buffer": big}]
    )

    def slow(route):
        if route.request.method == "POST":
            time.sleep(1.0)
        route.continue_()

    page.route("**/awards/applications/new/", slow)
    page.click("button[value=submit]")  # award date etc. missing: the form comes back refused
    assert page.locator(".upload-progress").is_visible()
    page.locator(".upload-again").first.wait_for()
    assert "重新选择文件" in page.locator(".upload-again").first.inner_text()
    _fits(page)
    _snap(page, SCREENSHOTS / "screens" / "upload", "refused-form")
    context.close()


def test_history_reads_in_words_in_the_browser(browser, live_server, users, data):
    from awards import services

    application = data["application"]
    services.application_first_review(
        application=application, by=users["office"], decision="pass", comment=""
    )
    context = _context(browser, live_server, "phone")
    page = context.new_page()
    _login(page, users["office"])
    page.goto(f"/history/awards.application/{application.pk}/")
    text = page.inner_text("main")
    assert "初审人" in text and users["office"].display_name in text
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", text)
    _snap(page, SCREENSHOTS / "screens" / "history", "application-history")
    context.close()
