from django.urls import path

from core import import_views

from .views import dashboard, excel, plans, reports

app_name = "targets"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("matrix/", dashboard.matrix, name="matrix"),
    path("export/dashboard.xlsx", excel.dashboard_export, name="dashboard_export"),
    path("items/<int:pk>/", dashboard.target_detail, name="target_detail"),
    path("units/<int:pk>/", dashboard.unit_detail, name="unit_detail"),
    # periods and reports
    path("periods/", reports.period_list, name="period_list"),
    path("periods/open/", reports.period_open_view, name="period_open"),
    path("periods/history/", reports.period_history, name="period_history"),
    path("periods/<int:pk>/", reports.period_detail, name="period_detail"),
    path("periods/<int:pk>/export.xlsx", excel.period_export, name="period_export"),
    path("reports/", reports.report_list, name="report_list"),
    path("reports/export.xlsx", reports.report_list_export, name="report_list_export"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/submit/", reports.report_submit_view, name="report_submit"),
    path("reports/<int:pk>/return/", reports.report_return_view, name="report_return"),
    path("reports/<int:pk>/accept/", reports.report_accept_view, name="report_accept"),
    path("reports/<int:pk>/history/", reports.report_history, name="report_history"),
    path("reports/<int:pk>/template.xlsx", excel.report_template, name="report_template"),
    path("reports/<int:pk>/upload/", excel.report_upload, name="report_upload"),
    path("lines/<int:pk>/evidence/", reports.evidence_download, name="evidence"),
    # imports
    # the pages every import shares (core.import_views), under the targets addresses they had first
    path("imports/<int:pk>/", import_views.preview, name="import_preview"),
    path("imports/<int:pk>/confirm/", import_views.confirm, name="import_confirm"),
    path("imports/<int:pk>/discard/", import_views.discard, name="import_discard"),
    path("imports/<int:pk>/file/", excel.import_file, name="import_file"),
    path("statistics/import/", excel.statistics_import, name="statistics_import"),
    path("statistics/template.xlsx", excel.statistics_template, name="statistics_template"),
    # plans, targets, measures, final evaluation
    path("plans/", plans.plan_list, name="plan_list"),
    path("plans/new/", plans.plan_form, name="plan_create"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plans.plan_form, name="plan_edit"),
    path("plans/<int:pk>/carry-over/", plans.plan_carry_over_view, name="plan_carry_over"),
    path("plans/<int:plan_pk>/targets/new/", plans.target_form, name="target_create"),
    path("items/<int:pk>/edit/", plans.target_form, name="target_edit"),
    path("plans/<int:plan_pk>/measures/new/", plans.measure_form, name="measure_create"),
    path("measures/<int:pk>/edit/", plans.measure_form, name="measure_edit"),
    path("plans/<int:pk>/evaluation/", plans.evaluation, name="evaluation"),
    path("plans/<int:pk>/evaluation/sign-off/", plans.evaluation_sign_off, name="evaluation_sign_off"),
    path("plans/<int:pk>/evaluation/reopen/", plans.evaluation_reopen, name="evaluation_reopen"),
    path("plans/<int:pk>/evaluation.xlsx", plans.evaluation_xlsx, name="evaluation_xlsx"),
    path("plans/<int:pk>/evaluation.docx", plans.evaluation_docx, name="evaluation_docx"),
]
