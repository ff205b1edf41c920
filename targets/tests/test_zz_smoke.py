import pytest
from django.urls import reverse
from targets.services import period_open
from targets.models import Report

pytestmark = pytest.mark.django_db

def test_smoke(client, users, policy):
    period, n = period_open(plan=policy, year=2025, half=2)
    rep = Report.objects.get(period=period, unit=users["unit_a"].member_unit)
    client.force_login(users["office"])
    for url in [reverse("targets:dashboard"), reverse("targets:matrix"), reverse("targets:period_list"),
                reverse("targets:period_detail", args=[period.pk]), reverse("targets:report_list"),
                rep.get_absolute_url(), reverse("targets:report_history", args=[rep.pk]),
                reverse("targets:statistics_import"), reverse("targets:plan_list"),
                reverse("targets:plan_detail", args=[policy.pk]), reverse("targets:target_create", args=[policy.pk]),
                reverse("targets:measure_create", args=[policy.pk]), reverse("targets:evaluation", args=[policy.pk]),
                reverse("targets:target_detail", args=[policy.targets.first().pk]),
                reverse("targets:unit_detail", args=[rep.unit_id]),
                reverse("targets:evaluation_xlsx", args=[policy.pk]), reverse("targets:evaluation_docx", args=[policy.pk]),
                reverse("targets:dashboard_export"), reverse("targets:period_export", args=[period.pk]),
                reverse("targets:report_template", args=[rep.pk]), reverse("targets:statistics_template"),
                reverse("targets:plan_create"), reverse("targets:target_edit", args=[policy.targets.first().pk])]:
        r = client.get(url)
        assert r.status_code == 200, url
    client.force_login(users["unit_a"])
    for url in [reverse("targets:dashboard"), rep.get_absolute_url(), reverse("targets:report_list"),
                reverse("targets:report_upload", args=[rep.pk]), reverse("targets:unit_detail", args=[rep.unit_id])]:
        r = client.get(url)
        assert r.status_code == 200, url
