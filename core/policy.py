"""The policy the platform implements and the county it serves, as loaded from the policy pack
(``pack.yaml``, docs/policy-pack.md).

Pages, e-mails and documents name the city, the office and the policy through ``policy_document()``
(templates: ``{{ policy }}`` and ``{{ platform_name }}`` from the context processor), never from text in
code, so another county's pack changes every one of them at once.

The document is read once and kept in the process for ``MEMO_SECONDS`` (it changes only when
``load_policy`` runs or the office edits it in the admin; a save in this process forgets it at once),
so that a name on every row of a list costs no query.
"""

import time
from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save

from .models import PolicyDocument, SiteSetting
from .rhythm import RHYTHM_NAMES

NOT_LOADED = "政策数据未载入"
MEMO_SECONDS = 60

_memo: dict = {}


def _placeholder() -> PolicyDocument:
    return PolicyDocument(title=NOT_LOADED, document_number=NOT_LOADED, platform_name=settings.PLATFORM_NAME)


def policy_document() -> PolicyDocument:
    """The loaded policy document; an unsaved placeholder saying so before ``load_policy`` ran."""
    found = _memo.get("document")
    if found is not None and time.monotonic() - _memo["at"] < MEMO_SECONDS:
        return found
    document = PolicyDocument.objects.order_by("id").first()
    if document is None:
        return _placeholder()
    _memo.update(document=document, at=time.monotonic())
    return document


FALLBACK_FIRST_YEAR = 2000  # no policy loaded yet (or one without its date)


def first_year() -> int:
    """The programme's first year: the year its policy document was issued (the committee, its joint
    meetings and its rewards exist from then on). From the pack, never a year written in code."""
    issued = policy_document().issued_on
    return issued.year if issued else FALLBACK_FIRST_YEAR


def remembered_policy_document() -> PolicyDocument:
    """For error pages: the document this process has read (however long ago), else the placeholder.
    Never a query: the database may be what is broken."""
    return _memo.get("document") or _placeholder()


def platform_name() -> str:
    return policy_document().platform_name or settings.PLATFORM_NAME


def rhythm_name() -> str:
    """The office's reporting rhythm as pages name it — 季度, 半年 or 年度 (季度进度报告, 半年进度报告) —
    kept like the document, so that the sidebar of every page costs no query."""
    found = _memo.get("rhythm")
    if found is not None and time.monotonic() - _memo["rhythm_at"] < MEMO_SECONDS:
        return found
    name = RHYTHM_NAMES[SiteSetting.get().reporting_rhythm]
    _memo.update(rhythm=name, rhythm_at=time.monotonic())
    return name


def forget_policy_document(**kwargs: Any) -> None:
    _memo.clear()


post_save.connect(forget_policy_document, sender=PolicyDocument, dispatch_uid="forget_policy_document_save")
post_delete.connect(forget_policy_document, sender=PolicyDocument, dispatch_uid="forget_policy_document_del")
post_save.connect(forget_policy_document, sender=SiteSetting, dispatch_uid="forget_rhythm_name_save")
