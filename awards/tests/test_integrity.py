"""同一奖项不得重复奖励 on the canonical reference: spelling bypasses, other enterprises, other lines."""

import datetime as dt
import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template
from django.urls import reverse
from openpyxl import load_workbook

from awards import services
from awards.models import Application, ApplicationEvent, DuplicateFinding
from awards.services.integrity import findings_scan
from awards.tests.factories import ApplicationFactory, item
from awards.validators import canonical_reference
from core.errors import ServiceError
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

ORIGINAL = "GB/T 43210-2023"
BYPASSES = {
    "zero-width space": "GB/T 432\u200b10-2023",
    "word joiner": "GB/T\u2060 43210-2023",
    "soft hyphen": "GB/T 43210\u00ad-2023",
    "byte order mark": "\ufeffGB/T 43210-2023",
    "en dash": "GB/T 43210\u20132023",
    "em dash": "GB/T 43210\u20142023",
    "minus sign": "GB/T 43210\u22122023",
    "full-width hyphen": "GB/T 43210\uff0d2023",
    "missing slash": "GBT 43210-2023",
    "full-width slash": "GB\uff0fT 43210-2023",
    "trailing full stop": "GB/T 43210-2023.",
    "trailing ideographic full stop": "GB/T 43210-2023。",
    "full-width forms": "ＧＢ／Ｔ　４３２１０－２０２３",
    "spaces moved": " G B/T43210 - 2023 ",
    "lower case": "gb/t 43210-2023",
}


def snapshot():
    return (
        sorted(Application.objects.values_list("id", "status", "reference", "reference_canonical")),
        ApplicationEvent.objects.count(),
        DuplicateFinding.objects.count(),
    )


@pytest.mark.parametrize("typed", BYPASSES.values(), ids=BYPASSES.keys())
def test_every_spelling_variant_has_the_canonical_form_of_the_original(typed):
    assert canonical_reference(typed) == canonical_reference(ORIGINAL) == "gbt43210-2023"


def test_different_numbers_stay_different():
    assert canonical_reference("GB/T 43210-2023") != canonical_reference("GB/T 43211-2023")
    assert canonical_reference("GB/T 43210-2023") != canonical_reference("GB/T 43210-2024")


def test_a_dot_between_digits_is_part_of_the_number_but_a_full_stop_is_not():
    # GB/T 1.1 and GB/T 11 are different standards; a trailing or full-width full stop is decoration
    assert canonical_reference("GB/T 1.1-2020") != canonical_reference("GB/T 11-2020")
    assert (
        canonical_reference("GB/T 1.1-2020")
        == canonical_reference("ＧＢ／Ｔ　１．１－２０２０。")
        == "gbt1.1-2020"
    )
    assert canonical_reference("GB/T 1.1-2020.") == canonical_reference("GB/T\u200b 1.1\u2013 2020")


@pytest.mark.parametrize("typed", BYPASSES.values(), ids=BYPASSES.keys())
def test_a_spelling_variant_of_an_award_already_claimed_is_refused_and_changes_nothing(submit, typed):
    first = submit(reference=ORIGINAL)
    before = snapshot()
    with pytest.raises(ServiceError) as exc:
        submit(reference=typed)
    assert exc.value.code == "not_eligible"
    message = exc.value.messages[0]
    assert "同一奖项不得重复奖励" in message and first.code in message and ORIGINAL in message
    assert snapshot() == before


def test_a_spelling_variant_of_a_legacy_reward_is_refused_naming_the_reward(submit, ent_user):
    legacy = ApplicationFactory(enterprise=ent_user.enterprise, reference=ORIGINAL, paid=True, is_legacy=True)
    before = snapshot()
    with pytest.raises(ServiceError) as exc:
        submit(reference="GB/T 43210\u20132023。")
    assert exc.value.code == "not_eligible"
    assert "系统上线前已兑现" in exc.value.messages[0] and legacy.code in exc.value.messages[0]
    assert snapshot() == before


def test_the_database_refuses_a_second_live_row_with_the_same_canonical_reference(ent_user):
    from django.db import IntegrityError, transaction

    ApplicationFactory(enterprise=ent_user.enterprise, reference=ORIGINAL)
    with (
        pytest.raises(IntegrityError, match="awards_application_one_live_per_award|UNIQUE"),
        transaction.atomic(),
    ):
        ApplicationFactory(enterprise=ent_user.enterprise, reference="GBT 43210\u20132023")
    assert Application.objects.count() == 1


def test_reviewers_see_the_reference_as_typed_with_invisible_characters_marked():
    html = Template("{% load awards_tags %}{{ ref|as_typed }}").render(
        Context({"ref": "GB/T 432\u200b10-2023<b>"})
    )
    assert "GB/T 432" in html and "⟨U+200B⟩" in html and "invisible-char" in html
    assert "&lt;b&gt;" in html  # still escaped


# --- other enterprise, other line: allowed, flagged, and 复核 waits for a written ruling -------


@pytest.fixture
def first_reviewed(users):
    def _first(application):
        services.application_first_review(application=application, by=users["office"], decision="pass")
        return Application.objects.get(pk=application.pk)

    return _first


def test_same_reference_by_another_enterprise_is_flagged_and_held_for_a_ruling(submit, users, first_reviewed):
    earlier = ApplicationFactory(enterprise=EnterpriseFactory(verified=True), reference=ORIGINAL, paid=True)
    application = submit(reference="GB/T 43210—2023")
    assert any("其他企业" in flag and earlier.code in flag for flag in application.review_flags)
    finding = DuplicateFinding.objects.get()
    assert (finding.application, finding.other, finding.kind) == (application, earlier, "other_enterprise")
    application = first_reviewed(application)
    before = snapshot()
    with pytest.raises(ServiceError, match="尚未裁定") as refused:
        services.application_second_review(application=application, by=users["approver"], decision="pass")
    assert refused.value.code == "ruling_required"
    assert snapshot() == before
    assert Application.objects.get(pk=application.pk).status == "first_passed"
    services.finding_rule(
        finding=finding,
        by=users["approver2"],
        ruling="not_duplicate",
        text="两家企业共同主导制定，分别奖励。",
    )
    services.application_second_review(application=application, by=users["approver"], decision="pass")
    assert Application.objects.get(pk=application.pk).status == "second_passed"


def test_same_reference_under_a_second_line_is_flagged(submit, ent_user, users, first_reviewed):
    earlier = ApplicationFactory(
        enterprise=ent_user.enterprise, reward_item=item("industry_standard"), reference="GB/T 43210-2023"
    )
    application = submit(reference="GBT43210-2023")
    finding = DuplicateFinding.objects.get()
    assert (finding.other, finding.kind) == (earlier, "other_line")
    assert any("另一奖项" in flag for flag in application.review_flags)
    application = first_reviewed(application)
    services.finding_rule(finding=finding, by=users["approver2"], ruling="duplicate", text="同一标准。")
    before = snapshot()
    with pytest.raises(ServiceError, match="构成重复奖励") as refused:
        services.application_second_review(application=application, by=users["approver"], decision="pass")
    assert refused.value.code == "ruled_duplicate"
    assert snapshot() == before
    # the ruled duplicate can still be refused, with its reason
    services.application_second_review(
        application=application,
        by=users["approver"],
        decision="reject",
        comment="同一标准已按行业标准申报。",
    )


def test_the_earlier_claim_is_held_as_well_until_the_ruling(submit, users):
    earlier = ApplicationFactory(
        enterprise=EnterpriseFactory(verified=True), reference=ORIGINAL, first_passed=True
    )
    submit(reference=ORIGINAL)
    with pytest.raises(ServiceError, match="尚未裁定") as refused:
        services.application_second_review(application=earlier, by=users["approver"], decision="pass")
    assert refused.value.code == "ruling_required"
    assert Application.objects.get(pk=earlier.pk).status == "first_passed"


@pytest.mark.parametrize(
    ("who", "ruling", "text", "error"),
    [
        ("office", "not_duplicate", "理由", PermissionDenied),
        ("enterprise_a", "not_duplicate", "理由", PermissionDenied),
        ("approver", "not_duplicate", "  ", ValidationError),
        ("approver", "maybe", "理由", ValidationError),
    ],
)
def test_a_ruling_needs_an_approver_a_conclusion_and_a_written_reason(
    submit, users, who, ruling, text, error
):
    ApplicationFactory(enterprise=EnterpriseFactory(verified=True), reference=ORIGINAL)
    submit(reference=ORIGINAL)
    finding = DuplicateFinding.objects.get()
    with pytest.raises(error):
        services.finding_rule(finding=finding, by=users[who], ruling=ruling, text=text)
    finding.refresh_from_db()
    assert (finding.ruling, finding.ruled_by, finding.ruling_text) == ("", None, "")


def test_a_ruling_is_made_once(submit, users):
    ApplicationFactory(enterprise=EnterpriseFactory(verified=True), reference=ORIGINAL)
    submit(reference=ORIGINAL)
    finding = DuplicateFinding.objects.get()
    services.finding_rule(finding=finding, by=users["approver"], ruling="duplicate", text="同一标准。")
    with pytest.raises(ServiceError, match="已有裁定") as refused:
        services.finding_rule(finding=finding, by=users["approver2"], ruling="not_duplicate", text="改判")
    assert refused.value.code == "already_ruled"
    finding.refresh_from_db()
    assert (finding.ruling, finding.ruled_by) == ("duplicate", users["approver"])


# --- the data migration: canonical forms for existing records, duplicates held for a ruling ----


def test_migration_gives_canonical_forms_and_holds_revealed_duplicates_without_merging(ent_user):
    migration = importlib.import_module("awards.migrations.0005_canonical_reference_data")
    a = ApplicationFactory(
        enterprise=ent_user.enterprise, reference="GB/T 43210-2023", paid=True, is_legacy=True
    )
    b = ApplicationFactory(enterprise=ent_user.enterprise, reference="placeholder", status="first_passed")
    c = ApplicationFactory(enterprise=EnterpriseFactory(), reference="GBT 43210-2023")
    Application.objects.filter(pk=b.pk).update(reference="GB/T 43210–2023")
    # as before the migration: the old key kept the dash variants apart
    Application.objects.filter(pk=a.pk).update(reference_canonical="GB/T43210-2023")
    Application.objects.filter(pk=b.pk).update(reference_canonical="GB/T43210–2023")
    Application.objects.filter(pk=c.pk).update(reference_canonical="GBT43210-2023")
    migration.canonical_forms(django_apps, None)
    rows = {r.pk: r for r in Application.objects.all()}
    assert len(rows) == 3  # nothing merged or deleted
    assert {r.reference_canonical for r in rows.values()} == {"gbt43210-2023"}
    assert (rows[a.pk].held_for_ruling, rows[b.pk].held_for_ruling, rows[c.pk].held_for_ruling) == (
        False,
        True,
        False,
    )
    assert rows[b.pk].status == "first_passed" and rows[a.pk].status == "paid"
    kinds = set(DuplicateFinding.objects.values_list("application_id", "other_id", "kind"))
    assert kinds == {
        (b.pk, a.pk, "same_award"),
        (c.pk, a.pk, "other_enterprise"),
        (c.pk, b.pk, "other_enterprise"),
    }
    # run again: idempotent
    migration.canonical_forms(django_apps, None)
    assert DuplicateFinding.objects.count() == 3
    assert findings_scan(found_on="test") == 0


def test_family_flag_needs_a_ruling_too(ent_user, users, first_reviewed):
    ApplicationFactory(
        enterprise=ent_user.enterprise,
        reward_item=item("china_quality_award_nomination"),
        reference="N-1",
        paid=True,
    )
    application = services.application_submit(
        enterprise=ent_user.enterprise,
        reward_code="china_quality_award",
        award_date=dt.date(2024, 5, 1),
        reference="CQA-2024-1",
        by=ent_user,
    )
    application = first_reviewed(application)
    with pytest.raises(ServiceError, match="尚未裁定") as refused:
        services.application_second_review(application=application, by=users["approver"], decision="pass")
    assert refused.value.code == "ruling_required"


# --- the pages: application page, office list, integrity page and its workbook -----------------


@pytest.fixture
def flagged(submit):
    """A claim by 甲企业 of a standard another enterprise was already paid for (with a ZWSP typed in)."""
    earlier = ApplicationFactory(
        enterprise=EnterpriseFactory(verified=True, name="乙方标准公司"),
        reference=ORIGINAL,
        paid=True,
        is_legacy=True,
    )
    later = submit(reference="GB/T 432\u200b10-2023")
    return later, earlier, DuplicateFinding.objects.get()


def test_office_sees_the_flag_on_the_application_page_and_in_the_list(client, users, flagged):
    later, earlier, _ = flagged
    client.force_login(users["office"])
    page = client.get(reverse("awards:application_detail", args=[later.pk])).content.decode()
    assert "疑似重复奖励" in page and earlier.code in page and "⟨U+200B⟩" in page
    assert "记录裁定" not in page  # office staff see it; approvers rule
    listing = client.get(reverse("awards:office_applications")).content.decode()
    assert "疑似重复待裁定" in listing and "⟨U+200B⟩" in listing


def test_the_enterprise_is_not_told_the_other_enterprise(client, ent_user, flagged):
    later, _, _ = flagged
    client.force_login(ent_user)
    page = client.get(reverse("awards:application_detail", args=[later.pk])).content.decode()
    assert "乙方标准公司" not in page


def test_an_approver_rules_from_the_application_page_and_the_ruling_is_kept(client, users, flagged):
    later, _, finding = flagged
    client.force_login(users["approver"])
    url = reverse("awards:application_detail", args=[later.pk])
    assert "记录裁定" in client.get(url).content.decode()
    response = client.post(
        reverse("awards:finding_rule", args=[finding.pk]),
        {"ruling": "duplicate", "text": "同一标准，已于 2023 年兑现。", "next": url},
    )
    assert response.status_code == 302 and response.url == url
    finding.refresh_from_db()
    assert (finding.ruling, finding.ruled_by, finding.ruling_text) == (
        "duplicate",
        users["approver"],
        "同一标准，已于 2023 年兑现。",
    )


def test_a_ruling_without_text_changes_nothing(client, users, flagged):
    _, _, finding = flagged
    client.force_login(users["approver"])
    client.post(reverse("awards:finding_rule", args=[finding.pk]), {"ruling": "duplicate", "text": ""})
    finding.refresh_from_db()
    assert finding.is_open and finding.ruled_by is None


def test_integrity_page_and_workbook_list_both_records_and_the_ruling(client, users, flagged):
    later, earlier, finding = flagged
    services.finding_rule(finding=finding, by=users["approver2"], ruling="not_duplicate", text="合作制定。")
    client.force_login(users["office"])
    page = client.get(reverse("awards:integrity")).content.decode()
    assert later.code in page and earlier.code in page and "不构成重复奖励" in page and "吴建林" in page
    response = client.get(reverse("awards:integrity_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["后者申报编号"], row["前者申报编号"], row["前者来源"]) == (
        later.code,
        earlier.code,
        "历史兑现",
    )
    assert row["后者编号（原样）"] == "GB/T 432⟨U+200B⟩10-2023"
    assert (row["裁定"], row["裁定意见"], row["裁定人"]) == ("不构成重复奖励", "合作制定。", "吴建林")
    open_only = client.get(reverse("awards:integrity"), {"state": "open"}).content.decode()
    assert later.code not in open_only
    ruled = client.get(reverse("awards:integrity"), {"state": "ruled", "q": later.enterprise.name[:4]})
    assert later.code in ruled.content.decode() and "裁定 ▲" not in ruled.content.decode()
    assert 'href="/awards/office/integrity/findings.xlsx?state=ruled' in ruled.content.decode()
    nobody = client.get(reverse("awards:integrity_xlsx"), {"q": "没有这家企业"})
    assert len(list(load_workbook(io.BytesIO(nobody.content)).active.iter_rows())) == 1  # header only
    assert "裁定 ▲" in client.get(reverse("awards:integrity"), {"o": "ruling"}).content.decode()


def test_the_scan_finds_what_no_entry_point_recorded(client, users):
    a = ApplicationFactory(reference="GB/T 1-2020")
    b = ApplicationFactory(reference="GB/T 1—2020", reward_item=item("group_standard"))
    client.force_login(users["office"])
    client.post(reverse("awards:integrity_scan"))
    assert set(DuplicateFinding.objects.values_list("application", "other", "kind")) == {
        (b.pk, a.pk, "other_line")
    }


def test_a_finding_against_a_claim_since_withdrawn_no_longer_holds_the_review(submit, users, first_reviewed):
    other = ApplicationFactory(enterprise=EnterpriseFactory(verified=True), reference=ORIGINAL)
    application = first_reviewed(submit(reference=ORIGINAL))
    with pytest.raises(ServiceError, match="尚未裁定") as refused:
        services.application_second_review(application=application, by=users["approver"], decision="pass")
    assert refused.value.code == "ruling_required"
    Application.objects.filter(pk=other.pk).update(status="withdrawn")
    services.application_second_review(application=application, by=users["approver"], decision="pass")
    assert Application.objects.get(pk=application.pk).status == "second_passed"


def test_finding_tables_read_no_more_queries_for_more_findings(client, users, flagged):
    """Both tables read only the columns their rows show: a column they show and did not read would
    cost one query per finding (deferred loading), so the count must not grow with the findings."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    later, earlier, finding = flagged
    services.finding_rule(finding=finding, by=users["approver2"], ruling="not_duplicate", text="合作制定。")
    client.force_login(users["approver"])
    pages = [reverse("awards:integrity"), reverse("awards:application_detail", args=[later.pk])]

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(url).content.decode()
        return len(ctx.captured_queries), body

    for url in pages:  # per-process memos (settings rows, content types) filled first
        count(url)
    before = [count(url)[0] for url in pages]
    for n in range(3):  # more findings on the same application, against other enterprises' records
        other = ApplicationFactory(
            enterprise=EnterpriseFactory(name=f"丙方{n}公司"), reference=f"X-{n}", paid=True
        )
        DuplicateFinding.objects.create(
            application=later, other=other, kind=finding.kind, reference_canonical=f"x-{n}", found_on="测试"
        )
    for url, queries in zip(pages, before, strict=True):
        after, body = count(url)
        assert after == queries, url
        assert all(f"丙方{n}公司" in body and f"X-{n}" in body for n in range(3))
        assert "吴建林" in body and "合作制定。" in body and earlier.code in body
