from accounts.models import User

from . import selectors


def panels(user: User) -> list[dict]:
    latest = selectors.latest_unread(user, limit=5)
    if not latest:
        return []
    return [{"template": "notifications/_workbench_panel.html", "order": 5, "latest": latest}]
