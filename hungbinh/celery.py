"""The Celery application: background jobs (docs/documents.md, "Jobs").

With CELERY_BROKER_URL set (Redis), jobs go to a worker started with
`celery -A hungbinh worker`; without it they run eagerly, in the process that
asked for them, so a development server needs nothing else.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hungbinh.settings")

app = Celery("hungbinh")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
