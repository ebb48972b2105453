"""The Celery app, as in cookiecutter-django: settings under the CELERY_ prefix."""

import os

from celery import Celery

from config.beat import BEAT_SCHEDULE

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("service_hall")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.beat_schedule = BEAT_SCHEDULE
app.autodiscover_tasks()
