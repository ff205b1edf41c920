"""The sections of a pack, in the order they are validated and applied (docs/policy-pack.md).

A section may read in ``ctx`` only what a section before it has registered: units come before everything
that names a unit, funding sources before the reward lines paid from them, and so on.
"""

from .base import PackContext, Section
from .committee import CommitteeSection
from .funding import FundingSection
from .identity import DocumentSection, IdentitySection, PackSection
from .meetings import MeetingsSection
from .plans import PlansSection
from .reporting import ReportingSection
from .rewards import RewardsSection
from .units import UnitsSection

SECTIONS: list[Section] = [
    PackSection(),
    IdentitySection(),
    DocumentSection(),
    UnitsSection(),
    CommitteeSection(),
    FundingSection(),
    RewardsSection(),
    PlansSection(),
    MeetingsSection(),
    ReportingSection(),
]

__all__ = ["SECTIONS", "PackContext", "Section"]
