"""A job kind for tests only: it writes its households in one transaction and, the first time, waits
inside it, so that a test can kill the worker in the middle (tests/ops/test_two_servers.py).

Loaded by the test's worker (tests/ops/worker_app.py) and by the shell that creates the job.
"""

import datetime
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction

from households import services
from households.models import Khoi
from reports.jobs import JobOutput, job_kind

SLOW_IMPORT = "test_slow_import"


def marker(job_id) -> Path:
    """Written (outside the database) once the job's rows are written but not committed."""
    return Path(settings.MEDIA_ROOT) / f"slow-import-{job_id}.inside"


@job_kind(SLOW_IMPORT, "Slow import (tests)")
def slow_import(*, job, output, progress):
    count = job.params["households"]
    khoi = Khoi.objects.filter(ward=job.user.ward).order_by("position").first()
    progress(0, total=count)
    with transaction.atomic():
        for n in range(count):
            services.household_create(
                by=job.user,
                khoi=khoi,
                code=f"SLOW-{n:03d}",
                head_name=f"Phạm Văn Chậm {n}",
                status="near_poor",
                status_since=datetime.date(2024, 3, 1),
            )
        if job.attempts <= 1:
            marker(job.pk).parent.mkdir(parents=True, exist_ok=True)
            marker(job.pk).write_text("inside")
            time.sleep(60)  # the test kills the worker here
    output.write(f"{count} households\n".encode())
    return JobOutput("slow-import.txt", "text/plain")
