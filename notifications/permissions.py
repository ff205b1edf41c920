from django.shortcuts import get_object_or_404

from accounts.models import User

from .models import Notification


def get_own_notification(user: User, pk: int) -> Notification:
    """A notification of this user; anybody else's is 404 (its existence is not revealed)."""
    return get_object_or_404(Notification, pk=pk, recipient=user)
