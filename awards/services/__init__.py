"""Writes and rules of reward applications (三(二) of 监政发〔2022〕1号).

Other parts of the product rely on ``check_eligibility``, ``application_submit`` and
``publicity_advance_due``; the rest is used by this app's views.
"""

from .applications import application_save_draft, application_submit, application_withdraw, attachment_remove
from .eligibility import EligibilityResult, check_eligibility
from .enterprises import (
    enterprise_refuse_verification,
    enterprise_register,
    enterprise_update_contact,
    enterprise_verify,
)
from .legacy import LegacyPreview, LegacyRow, legacy_import_confirm, legacy_import_preview, legacy_record
from .office_settings import (
    calendar_day_remove,
    calendar_day_set,
    publicity_settings_update,
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
from .review import Decision, application_first_review, application_second_review

__all__ = [
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
    "enterprise_refuse_verification",
    "enterprise_update_contact",
    "enterprise_verify",
    "legacy_import_confirm",
    "legacy_import_preview",
    "legacy_record",
    "objection_record",
    "objection_resolve",
    "payment_record",
    "publicity_advance_due",
    "publicity_publish",
    "publicity_settings_update",
    "reward_item_update",
    "publicity_window",
]
