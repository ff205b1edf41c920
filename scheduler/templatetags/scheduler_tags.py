from django import template

from scheduler.schedules import crontab_in_words

register = template.Library()

register.filter("in_words", crontab_in_words)
