"""Several app servers behind nginx on one PostgreSQL: nothing lives in a server (issue "Stateless web tier").

One module-wide cluster (a fresh migrated database with a few households, two
gunicorn servers, nginx in front) serves every test here; it costs about ten
seconds on an idle machine. It needs PostgreSQL, which the servers share, so it runs in the
PostgreSQL pass of `make test` (CI runs both).
"""

import io
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from openpyxl import load_workbook

from ..households.workbooks import build, household_row, member_row
from .cluster import REDIS_URL, Browser, Cluster, base_env, hidden_value, manage, seed

pytestmark = [
    pytest.mark.database_engine,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="several servers share one PostgreSQL database; runs in the PostgreSQL pass",
    ),
]
PASSWORD = "hungbinh@2025"


def _admin_connection():
    import psycopg2

    url = os.environ["DATABASE_URL"]
    from urllib.parse import urlparse

    parts = urlparse(url)
    connection = psycopg2.connect(
        dbname="postgres",
        user=parts.username or "postgres",
        password=parts.password or None,
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
    )
    connection.autocommit = True
    return connection, parts


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cluster")
    admin, parts = _admin_connection()
    name = f"{parts.path.lstrip('/')}_cluster_{uuid.uuid4().hex[:6]}"
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    database_url = parts._replace(path=f"/{name}").geturl()
    env = base_env(database_url, tmp / "media")
    # Jobs go through Redis (cluster.REDIS_URL, a queue of this run's own) to the worker below;
    # a list of more than two households is a job, and so is every uploaded workbook;
    # a job whose worker died is taken again at once.
    env.update(
        CELERY_BROKER_URL=REDIS_URL,
        CELERY_QUEUE=f"hungbinh-test-{uuid.uuid4().hex[:8]}",
        REPORT_JOB_THRESHOLD="2",
        IMPORT_JOB_BYTES="1",
        REPORT_JOB_STALE_MINUTES="0",
    )
    cluster = Cluster(tmp=tmp, env=env)
    try:
        manage(env, "migrate", "--noinput", "-v0")
        seed(env, PASSWORD)
        cluster.start()
        yield cluster
    except Exception:
        print(cluster.logs())
        raise
    finally:
        cluster.stop()
        redis.Redis.from_url(env["CELERY_BROKER_URL"]).delete(env["CELERY_QUEUE"])
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="module")
def worker(cluster):
    process = cluster.start_process(
        "worker",
        [
            str(Path(sys.executable).parent / "celery"),
            "--app",
            "tests.ops.worker_app",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "1",
            "--queues",
            cluster.env["CELERY_QUEUE"],
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--hostname",
            f"{cluster.env['CELERY_QUEUE']}@%h",
        ],
    )
    log = cluster.tmp / "worker.log"
    try:
        _wait_for(lambda: process.poll() is None and log.exists() and "ready." in log.read_text(), seconds=90)
    except AssertionError:
        print(cluster.logs())
        raise
    return process


def test_health_through_nginx(cluster):
    response = Browser(cluster).get("/health/")
    assert response.status == 200
    assert json.loads(response.text)["database"] == "ok"


def test_log_in_on_one_server_and_work_on_the_other(cluster):
    officer = Browser(cluster)
    officer.log_in("canbo", PASSWORD, server="a")
    page = officer.get("/households/", server="b")
    assert page.status == 200, page.text[:500]
    assert cluster.server_of(page) == "b"
    assert "Nguyễn Thị Hằng" in page.text
    # Balanced by nginx, every request of the session works, whichever server answers.
    seen = set()
    for _ in range(6):
        response = officer.get("/households/")
        assert response.status == 200
        seen.add(cluster.server_of(response))
    assert seen == {"a", "b"}
    # A form opened on one server is accepted by the other (CSRF and session are shared).
    response = officer.post("/accounts/logout/", {"csrfmiddlewaretoken": officer.csrf_token()}, server="a")
    assert response.status == 302
    assert officer.get("/households/", server="b").status == 302  # logged out everywhere


def _household(browser, server):
    response = browser.get("/api/v1/households/?status=poor", server=server)
    assert response.status == 200, response.text[:500]
    return json.loads(response.text)["results"][0]


def _edit(browser, household, *, version, head_name, server):
    return browser.post(
        f"/households/{household['id']}/edit/",
        {
            "csrfmiddlewaretoken": browser.csrf_token(),
            "khoi": household["khoi"],
            "code": household["code"],
            "head_name": head_name,
            "address": household["address"],
            "version": version,
        },
        server=server,
    )


def test_two_officers_saving_one_household_on_two_servers_cannot_overwrite_each_other(cluster):
    first, second = Browser(cluster), Browser(cluster)
    first.log_in("canbo", PASSWORD, server="a")
    second.log_in("lanhdao", PASSWORD, server="b")
    household = _household(first, "a")
    # Both opened the form at the same version, each on their own server.
    assert first.get(f"/households/{household['id']}/edit/", server="a").status == 200
    assert second.get(f"/households/{household['id']}/edit/", server="b").status == 200

    saved = _edit(first, household, version=household["version"], head_name="Nguyễn Thị Mới Một", server="a")
    assert saved.status == 302, saved.text[:1000]
    refused = _edit(second, household, version=household["version"], head_name="Trần Văn Mới Hai", server="b")
    # The second officer's form comes back with the first one's saved name shown against theirs.
    assert refused.status == 409
    assert "Nguyễn Thị Mới Một" in refused.text

    detail = json.loads(second.get(f"/api/v1/households/{household['id']}/", server="b").text)
    assert detail["head_name"] == "Nguyễn Thị Mới Một"
    assert detail["version"] == household["version"] + 1


# --- Jobs on a Celery worker (reports/jobs.py) -----------------------------------------------


def _wait_for(condition, seconds=60, every=0.3):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError("waited in vain")


def _job_status(browser, job, server):
    response = browser.get(job["status_url"], server=server, Accept="application/json")
    assert response.status == 200, response.text[:500]
    return json.loads(response.text)


def test_health_sees_the_worker_through_either_server(cluster, worker):
    for server in ("a", "b"):
        response = Browser(cluster).get("/health/", server=server)
        assert response.status == 200
        checks = json.loads(response.text)
        assert (checks["database"], checks["jobs"], checks["worker"]) == ("ok", "ok", "ok"), checks


def test_a_list_job_runs_on_the_worker_and_downloads_through_the_other_server(cluster, worker):
    officer = Browser(cluster)
    officer.log_in("canbo", PASSWORD, server="a")
    started = officer.get("/reports/households.xlsx?status=poor", server="a", Accept="application/json")
    assert started.status == 202, started.text[:500]
    job = json.loads(started.text)
    done = _wait_for(lambda: (s := _job_status(officer, job, "b"))["state"] in ("done", "failed") and s)
    assert done["state"] == "done", done
    download = officer.get(done["download_url"], server="b")
    assert download.status == 200
    assert cluster.server_of(download) == "b"
    workbook = load_workbook(io.BytesIO(download.body), read_only=True)
    # The sheet opens with title rows shorter than the table: every cell of every row is searched.
    rows = workbook.worksheets[0].iter_rows(values_only=True)
    names = {cell for row in rows for cell in row if isinstance(cell, str)}
    # Every poor household as the API gives it now (an earlier test of this module renames one).
    listed = json.loads(officer.get("/api/v1/households/?status=poor&page_size=100", server="b").text)["results"]
    assert len(listed) >= 3
    assert {household["head_name"] for household in listed} <= names
    # The web servers send jobs to the broker (not eager): the worker ran it.
    assert "reports.run_job" in (cluster.tmp / "worker.log").read_text()


def test_a_workbook_import_runs_on_the_worker_and_its_report_downloads_through_the_other_server(cluster, worker):
    officer = Browser(cluster)
    officer.log_in("canbo", PASSWORD, server="a")
    page = officer.get("/households/import/", server="a")
    assert page.status == 200, page.text[:500]
    households = [household_row(f"NHAP-{n}", **{"Họ và tên chủ hộ": f"Võ Văn Nhập {n}"}) for n in range(3)]
    members = [
        member_row(f"NHAP-{n}", **{"Họ và tên": f"Võ Văn Nhập {n}", "Số CCCD": f"04008000{n:04d}"}) for n in range(3)
    ]
    runs_before = (cluster.tmp / "worker.log").read_text().count("reports.run_job")
    started = officer.upload(
        "/households/import/",
        {
            "csrfmiddlewaretoken": hidden_value(page.text, "csrfmiddlewaretoken"),
            "ward": hidden_value(page.text, "ward"),
            "action": "import",
        },
        {"file": ("nhap-thu.xlsx", build(households, members).getvalue())},
        server="a",
    )
    # The upload is stored (shared media) and handed to the worker; the browser goes to the job's page.
    assert started.status == 302, started.text[:2000]
    job_page = started.headers["Location"]
    assert job_page.startswith("/reports/jobs/")
    job = {"status_url": f"{job_page}status/"}
    done = _wait_for(lambda: (s := _job_status(officer, job, "b"))["state"] in ("done", "failed") and s)
    assert done["state"] == "done", done
    assert done["message"].startswith("Đã nhập xong: thêm mới 3 hộ")
    assert (cluster.tmp / "worker.log").read_text().count("reports.run_job") > runs_before

    download = officer.get(done["download_url"], server="b")
    assert download.status == 200
    assert cluster.server_of(download) == "b"
    sheets = load_workbook(io.BytesIO(download.body), read_only=True)
    added = [row[:2] for row in sheets["Hộ thêm mới"].iter_rows(min_row=2, values_only=True)]
    assert added == [(f"NHAP-{n}", f"Võ Văn Nhập {n}") for n in range(3)]
    # Written once, with their members, and seen through the other server.
    listed = json.loads(officer.get("/api/v1/households/?q=NHAP&page_size=100", server="b").text)["results"]
    assert sorted(household["code"] for household in listed) == ["NHAP-0", "NHAP-1", "NHAP-2"]


def test_a_worker_killed_mid_job_leaves_the_job_retried_and_the_data_whole(cluster, worker):
    created = manage(
        cluster.env,
        "shell",
        "-c",
        "from tests.ops import slow_job; from reports import services; from hungbinh.accounts.models import User; "
        "print(services.job_create(user=User.objects.get(username='canbo'), kind=slow_job.SLOW_IMPORT, "
        "params={'households': 5}, path='/test/').pk)",
    )
    job_id = created.stdout.strip().splitlines()[-1]
    marker = cluster.tmp / "media" / f"slow-import-{job_id}.inside"
    _wait_for(marker.exists)
    # The job's five households are written, not committed; its process dies as under the OOM killer.
    child = next(int(pid) for pid in subprocess.check_output(["pgrep", "-P", str(worker.pid)]).split())
    os.kill(child, signal.SIGKILL)

    officer = Browser(cluster)
    officer.log_in("canbo", PASSWORD, server="b")
    job = {"status_url": f"/reports/jobs/{job_id}/status/"}
    done = _wait_for(lambda: (s := _job_status(officer, job, "a"))["state"] in ("done", "failed") and s)
    assert done["state"] == "done", done
    counts = manage(
        cluster.env,
        "shell",
        "-c",
        "from households.models import Household; from reports.models import Job; "
        f"print(Household.objects.filter(code__startswith='SLOW-').count(), Job.objects.get(pk='{job_id}').attempts)",
    )
    assert counts.stdout.split()[-2:] == ["5", "2"]  # all five households once, on the second attempt
