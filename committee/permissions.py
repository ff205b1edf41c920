"""Who may see the roster: the office and the member units (not the public, not enterprises)."""

from accounts.permissions import AnyUser, is_office, is_unit_user, require


def can_view_roster(user: AnyUser) -> bool:
    return is_office(user) or is_unit_user(user)


roster_viewer_required = require(can_view_roster)
