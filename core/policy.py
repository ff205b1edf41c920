"""The policy the platform implements, as loaded from the policy pack (``pack.yaml``, docs/policy-pack.md).

Pages and documents cite it through ``policy_document()`` (templates: ``{{ policy }}`` from the
context processor), so a corrected title or another county's pack changes every citation at once.
"""

from .models import PolicyDocument

NOT_LOADED = "政策数据未载入"


def policy_document() -> PolicyDocument:
    """The loaded policy document; an unsaved placeholder saying so before ``load_policy`` ran."""
    document = PolicyDocument.objects.order_by("id").first()
    if document is None:
        return PolicyDocument(title=NOT_LOADED, document_number=NOT_LOADED)
    return document
