from django import template

from scheduler.schedules import crontab_text

register = template.Library()


@register.filter
def in_words(crontab) -> str:
    """A django-celery-beat CrontabSchedule in Chinese words."""
    return crontab_text(
        minute=crontab.minute,
        hour=crontab.hour,
        day_of_month=crontab.day_of_month,
        month_of_year=crontab.month_of_year,
        day_of_week=crontab.day_of_week,
    )
