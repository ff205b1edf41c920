import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jianli_quality.settings")

app = Celery("jianli_quality")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
