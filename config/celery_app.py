"""The Celery app, as in cookiecutter-django: settings under the CELERY_ prefix."""

import os

from celery import Celery

# Before anything reads the settings (the beat schedule does).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

from config.beat import BEAT_SCHEDULE  # noqa: E402

app = Celery("service_hall")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.beat_schedule = BEAT_SCHEDULE
app.autodiscover_tasks()
