"""Writes and rules of reward applications (三(二) of the policy document of the pack).

Other parts of the product rely on ``check_eligibility``, ``application_submit`` and
``publicity_advance_due``; the rest is used by this app's views.
"""

from .applications import application_save_draft, application_submit, application_withdraw, attachment_remove
from .budget import budget_set
from .eligibility import EligibilityResult, check_eligibility
from .enterprises import (
    enterprise_refuse_verification,
    enterprise_register,
    enterprise_update_contact,
    enterprise_verify,
)
from .funding import funding_progress, funding_reply_record, funding_request_create
from .integrity import finding_rule, findings_scan
from .legacy import (
    LegacyPreview,
    LegacyRow,
    legacy_correct,
    legacy_import_confirm,
    legacy_import_preview,
    legacy_record,
)
from .money_changes import money_change_confirm, money_change_refuse
from .office_settings import (
    calendar_day_remove,
    calendar_day_set,
    publicity_settings_update,
    reporting_settings_update,
    reward_item_update,
)
from .payment import payment_record
from .publicity import (
    objection_record,
    objection_resolve,
    publicity_advance_due,
    publicity_publish,
    publicity_window,
)
from .registration import (
    enterprise_reject,
    enterprise_unbind_user,
    registrations_digest,
    review_assign,
    review_decline,
    review_request_submit,
)
from .review import Decision, application_first_review, application_second_review

__all__ = [
    "budget_set",
    "Decision",
    "EligibilityResult",
    "LegacyPreview",
    "LegacyRow",
    "application_first_review",
    "application_save_draft",
    "application_second_review",
    "application_submit",
    "application_withdraw",
    "attachment_remove",
    "calendar_day_remove",
    "calendar_day_set",
    "check_eligibility",
    "enterprise_register",
    "enterprise_reject",
    "enterprise_unbind_user",
    "registrations_digest",
    "review_assign",
    "review_decline",
    "review_request_submit",
    "enterprise_refuse_verification",
    "enterprise_update_contact",
    "enterprise_verify",
    "finding_rule",
    "findings_scan",
    "legacy_correct",
    "legacy_import_confirm",
    "legacy_import_preview",
    "legacy_record",
    "money_change_confirm",
    "money_change_refuse",
    "objection_record",
    "objection_resolve",
    "funding_progress",
    "funding_reply_record",
    "funding_request_create",
    "payment_record",
    "publicity_advance_due",
    "publicity_publish",
    "publicity_settings_update",
    "reporting_settings_update",
    "reward_item_update",
    "publicity_window",
]
