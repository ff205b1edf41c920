from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    # public
    path("register/", views.register, name="register"),
    path("publicity/", views.publicity, name="publicity"),
    path("publicity/<int:pk>/", views.publicity_batch, name="publicity_batch"),
    # enterprise users (and the office for the shared pages)
    path("applications/", views.my_applications, name="my_applications"),
    path("applications/new/", views.application_create, name="application_create"),
    path("applications/check/", views.application_check, name="application_check"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("enterprise/", views.my_enterprise, name="my_enterprise"),
    path("enterprise/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/licence/", views.enterprise_licence, name="enterprise_licence"),
    # office
    path("office/applications/", views.office_applications, name="office_applications"),
    path(
        "office/applications/export.xlsx", views.office_applications_export, name="office_applications_export"
    ),
    path("applications/<int:pk>/first-review/", views.first_review, name="first_review"),
    path("applications/<int:pk>/second-review/", views.second_review, name="second_review"),
    path("applications/<int:pk>/objections/", views.objection_create, name="objection_create"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection_resolve"),
    path("applications/<int:pk>/payment/", views.payment_record, name="payment_record"),
    path("office/enterprises/", views.enterprise_list, name="enterprise_list"),
    path("office/enterprises/<int:pk>/reject/", views.enterprise_reject, name="enterprise_reject"),
    path(
        "office/enterprises/<int:pk>/unbind/<int:user_pk>/", views.enterprise_unbind, name="enterprise_unbind"
    ),
    path("office/registration-reviews/", views.review_list, name="registration_reviews"),
    path("office/registration-reviews/<int:pk>/", views.review_detail, name="registration_review"),
    path("office/registration-reviews/<int:pk>/licence/", views.review_licence, name="review_licence"),
    path("register/review/", views.review_request, name="review_request"),
    path("enterprises/<int:pk>/verify/", views.enterprise_verify, name="enterprise_verify"),
    path("enterprises/<int:pk>/refuse/", views.enterprise_refuse, name="enterprise_refuse"),
    path("office/publicity/", views.publicity_manage, name="publicity_manage"),
    path("office/publicity/new/", views.publicity_publish, name="publicity_publish"),
    path("office/publicity/<int:pk>/list.docx", views.publicity_docx, name="publicity_docx"),
    path("office/money/", views.money, name="money"),
    path("office/money/ledger.xlsx", views.money_xlsx, name="money_xlsx"),
    path("office/payments.docx", views.payments_docx, name="payments_docx"),
    path("office/money/budget/", views.budget_set, name="budget_set"),
    path("office/money/payments/", views.payment_ledger, name="payment_ledger"),
    path("office/money/payments.xlsx", views.payment_ledger_xlsx, name="payment_ledger_xlsx"),
    path("office/funding/", views.funding_requests, name="funding_requests"),
    path("office/funding/<int:pk>/", views.funding_request, name="funding_request"),
    path("office/funding/<int:pk>/request.docx", views.funding_request_docx, name="funding_request_docx"),
    path("office/money/changes/", views.money_changes, name="money_changes"),
    path("money-changes/<int:pk>/confirm/", views.money_change_confirm, name="money_change_confirm"),
    path("money-changes/<int:pk>/refuse/", views.money_change_refuse, name="money_change_refuse"),
    path("applications/<int:pk>/legacy-correction/", views.legacy_correct, name="legacy_correct"),
    path("office/integrity/", views.integrity, name="integrity"),
    path("office/integrity/findings.xlsx", views.integrity_xlsx, name="integrity_xlsx"),
    path("office/integrity/scan/", views.integrity_scan, name="integrity_scan"),
    path("findings/<int:pk>/rule/", views.finding_rule, name="finding_rule"),
    path("office/legacy/", views.legacy_create, name="legacy_create"),
    path("office/legacy/import/", views.legacy_import, name="legacy_import"),
    path("office/legacy/import/confirm/", views.legacy_import_confirm, name="legacy_import_confirm"),
    path("office/legacy/template.xlsx", views.legacy_template, name="legacy_template"),
    path("office/reward-items/", views.reward_items, name="reward_items"),
    path("office/reward-items/<slug:code>/", views.reward_item_edit, name="reward_item_edit"),
    path("office/settings/", views.office_settings, name="office_settings"),
    path("office/calendar/<int:pk>/delete/", views.calendar_day_delete, name="calendar_day_delete"),
]
