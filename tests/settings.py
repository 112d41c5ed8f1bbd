"""Test settings: the real settings, with DEBUG's development key and fast hashing."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("DEBUG", "1")

from hungbinh.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Every test gets the same, lowest failure limit, whatever the environment says.
AXES_FAILURE_LIMIT = 3

# Live-server threads would otherwise keep connections open past the run, and
# PostgreSQL could not drop the test database at the end.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# Jobs run eagerly in tests, whatever the environment says; the worker test
# (tests/reports/test_job_worker.py) starts a real worker on Redis itself.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"

# Files the tests store (job results, kept import uploads) go to a folder of the run, removed at its end,
# never into the checkout's media/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="hungbinh-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
