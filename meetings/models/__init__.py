from .followup import (
    FollowUpAssignment,
    FollowUpAssignmentQuerySet,
    FollowUpEvent,
    FollowUpEvidence,
    FollowUpItem,
    WorkPlan,
)
from .meeting import (
    AgendaItem,
    BusinessKind,
    Invitation,
    Meeting,
    MeetingRule,
    StoredUpload,
    Topic,
    TopicAttachment,
    _upload_path,  # referenced by migrations
)

__all__ = [
    "AgendaItem",
    "BusinessKind",
    "FollowUpAssignment",
    "FollowUpAssignmentQuerySet",
    "FollowUpEvent",
    "FollowUpEvidence",
    "FollowUpItem",
    "Invitation",
    "Meeting",
    "MeetingRule",
    "StoredUpload",
    "Topic",
    "TopicAttachment",
    "WorkPlan",
    "_upload_path",
]
