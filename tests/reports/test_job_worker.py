"""The job runner for real: a Celery worker process on Redis (DB 5), started by the test: in the solo pool, and
in the production worker's prefork pool (a long report laid out in parts in the pool's child).

Runs once in CI, on the PostgreSQL pass: the worker is another process and must
see the test's committed rows, which an in-memory SQLite test database cannot
share. Redis at CELERY_TEST_BROKER_URL (default redis://127.0.0.1:6379/5).
"""

import os
import subprocess
import sys
import time
import uuid
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from django.db import connection
from pypdf import PdfReader

from hungbinh.celery import app as celery_app
from reports import pdf
from reports.models import Job
from reports.periods import parse_period
from reports.result_documents import render_results_pdf, upper_results_report

from ..factories import HouseholdFactory, MemberFactory
from .pdftools import assert_same_document, flat_text

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


# The production worker's command (deploy/systemd/hungbinh-worker.service: the prefork pool, two children, the
# broker's heartbeat, gossip and mingle), started through this: each pool child, once Celery has set it up, sees
# two cores that nothing else keeps busy (the test's machine may be running another pass of the suite) and lays
# out even a small report in parts; whether it may fork is left to the code under test.
PREFORK_WORKER = """
import os, sys
from celery.signals import worker_process_init

@worker_process_init.connect
def two_free_cores(**kwargs):
    from reports import pdf, result_documents
    os.sched_getaffinity = lambda pid: {0, 1}
    pdf.busy_cores = lambda: 0
    result_documents.PARALLEL_MIN_CELLS = 0

from celery.__main__ import main
sys.argv[0] = "celery"
sys.exit(main())
"""


def _start_worker(client, settings, tmp_path, program: list, options: list):
    """A real worker on a queue of its own; the test process sends to it through Redis."""
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
            [sys.executable, *program, "-A", "hungbinh", "worker", *options, "-Q", queue, "-l", "info"],
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


@pytest.fixture
def worker(settings, tmp_path):
    client = _redis()
    solo = ["--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    yield from _start_worker(client, settings, tmp_path, ["-m", "celery"], solo)


@pytest.fixture
def prefork_worker(settings, tmp_path):
    client = _redis()
    yield from _start_worker(client, settings, tmp_path, ["-c", PREFORK_WORKER], ["--concurrency", "2"])


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


def test_the_production_worker_lays_a_large_report_out_in_parts(client, world, prefork_worker, settings, monkeypatch):
    """Jobs run in a child of Celery's prefork pool, as deploy/systemd/hungbinh-worker.service starts it: the
    child has no other thread inside WeasyPrint (nor any other thread at all, 2026-11-29), so a report over
    PARALLEL_MIN_CELLS is laid out in parts there, in processes it forks; the file reads as the one pass."""
    process, log = prefork_worker
    settings.REPORT_TABLE_JOB_THRESHOLD = 0
    for khoi, status in ((world.hb_k1, "poor"), (world.hb_k1, "near_poor"), (world.qt_k1, "poor")):
        MemberFactory(household=HouseholdFactory(khoi=khoi, status=status, status_since=date(2024, 1, 15)))
    client.force_login(world.users["upper_level"])
    assert client.get(f"/reports/results/upper/{world.hb.upper_unit_id}/2025.pdf").status_code == 302
    job = _wait_for(Job.objects.get(), process, log)
    assert job.state == "done", job.message
    content = b"".join(client.get(f"/reports/jobs/{job.pk}/download/").streaming_content)
    # Only the joined parts carry each page's margins (its number) as a form of their own (pdf._stamp_margins).
    pages = PdfReader(BytesIO(content)).pages
    assert len(pages) > 2 and all(pdf.MARGINS_FORM in page["/Resources"].get("/XObject", {}) for page in pages)
    assert "failed in its own process" not in log.read_text()
    monkeypatch.setattr(pdf, "parallel_processes", lambda: 1)
    one_pass = render_results_pdf(upper_results_report(world.hb.upper_unit, parse_period("2025")))
    assert_same_document(content, one_pass)
