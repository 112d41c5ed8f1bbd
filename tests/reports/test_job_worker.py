"""The job runner for real: a Celery worker process on Redis (DB 5), started by the test.

Runs once in CI, on the PostgreSQL pass: the worker is another process and must
see the test's committed rows, which an in-memory SQLite test database cannot
share. Redis at CELERY_TEST_BROKER_URL (default redis://127.0.0.1:6379/5).
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from hungbinh.celery import app as celery_app
from reports.models import Job

from ..factories import HouseholdFactory
from .pdftools import flat_text

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/5")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker test runs once, on the PostgreSQL pass"),
]


def _redis():
    import redis

    client = redis.Redis.from_url(BROKER, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {BROKER}")
    return client


def _reconnect() -> None:
    """Drop Celery's cached broker connections and producers, so that the next task uses the broker now configured.

    kombu keeps its pools in a global registry: reset it too, or a closed pool stays registered.
    """
    from kombu import pools

    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
    pools.reset()


def _database_url() -> str:
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


@pytest.fixture
def worker(settings, tmp_path):
    """A real worker on a queue of its own; the test process sends to it through Redis."""
    client = _redis()
    queue = f"hb-test-documents-{uuid.uuid4().hex[:8]}"
    settings.MEDIA_ROOT = tmp_path
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hungbinh.settings",
        "DEBUG": "1",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER,
        "CELERY_QUEUE": queue,
        "MEDIA_ROOT": str(tmp_path),
        "REPORT_JOB_THRESHOLD": "1",
    }
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "hungbinh", "worker", "--pool=solo", "-Q", queue,
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    saved = {k: celery_app.conf[k] for k in ("broker_url", "task_always_eager", "task_default_queue")}
    celery_app.conf.update(broker_url=BROKER, task_always_eager=False, task_default_queue=queue)
    _reconnect()
    try:
        yield process, log
    finally:
        _reconnect()
        celery_app.conf.update(saved)
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        client.delete(queue)
        client.close()


def _wait_for(job, process, log, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state in (Job.State.DONE, Job.State.FAILED):
            return job
        assert process.poll() is None, log.read_text()
        time.sleep(0.5)
    raise AssertionError(f"job still {job.state} after {timeout} s:\n{log.read_text()}")


def test_a_worker_on_redis_renders_the_list_and_any_server_serves_it(client, world, worker, settings):
    process, log = worker
    settings.REPORT_JOB_THRESHOLD = 1
    for i, name in enumerate(("Nguyễn Văn An", "Trần Thị Bình")):
        HouseholdFactory(khoi=world.hb_k1, code=f"HB-{i + 1}", head_name=name)
    client.force_login(world.users["ward_officer_hb"])
    response = client.get("/reports/households.pdf")
    assert response.status_code == 302
    job = _wait_for(Job.objects.get(), process, log)
    assert job.state == "done", job.message
    assert job.attempts == 1 and job.done == job.total == 2
    download = client.get(f"/reports/jobs/{job.pk}/download/")
    text = flat_text(b"".join(download.streaming_content))
    assert "Nguyễn Văn An" in text and "Trần Thị Bình" in text and "Tổng cộng: 2 hộ" in text
