from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_office
from core.calendar import next_year_unknown

from .models import HalfYearReport


def panels(user: User) -> list[dict]:
    if not is_office(user):
        return []
    out = []
    unknown = next_year_unknown(timezone.localdate())
    if unknown:
        # from October: the next year's holidays are not known yet; working-day dates would be guesses
        out.append({"template": "scheduler/_workbench_calendar.html", "order": 5, "year": unknown})
    latest = HalfYearReport.objects.order_by("-year", "-half").first()
    if latest is not None:
        out.append({"template": "scheduler/_workbench_panel.html", "order": 70, "report": latest})
    return out
