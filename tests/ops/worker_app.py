"""The Celery app of the two-server test's worker: the app's own, plus the test-only slow job kind."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hungbinh.settings")
django.setup()

from hungbinh.celery import app  # noqa: E402

from . import slow_job  # noqa: E402,F401 - registers the kind

__all__ = ["app"]
