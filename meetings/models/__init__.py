from .followup import (
    ExtensionRequest,
    FollowUpAssignment,
    FollowUpAssignmentQuerySet,
    FollowUpEvent,
    FollowUpEvidence,
    FollowUpItem,
    FollowUpSetting,
    WorkPlan,
)
from .meeting import (
    AgendaItem,
    BusinessKind,
    Invitation,
    Meeting,
    MeetingRule,
    MinutesFile,
    StoredUpload,
    Topic,
    TopicAttachment,
    _upload_path,  # referenced by migrations
)

__all__ = [
    "ExtensionRequest",
    "FollowUpSetting",
    "MinutesFile",
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
