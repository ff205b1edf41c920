from django.conf import settings
from django.db import models


def user_field(verbose_name: str) -> models.ForeignKey:
    """Who did something: kept as history when the account goes (SET_NULL), no reverse accessor."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
