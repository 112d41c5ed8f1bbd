"""The job runner, eager (in-process): large lists become jobs, progress, download, failure, retry, a file gone."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from reports import jobs, services
from reports.models import Job

from ..factories import HouseholdFactory
from .pdftools import flat_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.REPORT_JOB_THRESHOLD = 1
    return tmp_path


@pytest.fixture
def households(world):
    for i, name in enumerate(("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường")):
        HouseholdFactory(khoi=world.hb_k1, code=f"HB-{i + 1}", head_name=name)
    HouseholdFactory(khoi=world.qt_k1, code="QT-1")
    return world


@pytest.fixture
def flaky_kind():
    """A kind that fails for a reason the first time and succeeds the next."""
    calls = []

    @jobs.job_kind("test_flaky", "Flaky")
    def flaky(*, job, output, progress):
        calls.append(job.pk)
        if len(calls) == 1:
            raise jobs.JobFailed("Thiếu dữ liệu khối 3.")
        progress(1, total=1)
        output.write(b"ok")
        return jobs.JobOutput("ok.txt", "text/plain")

    yield calls
    del jobs.KINDS["test_flaky"], jobs.LABELS["test_flaky"]


def ask(client, user, url, capture, **headers):
    client.force_login(user)
    with capture(execute=True):
        return client.get(url, **headers)


def test_a_large_pdf_list_runs_as_a_job_and_is_downloaded(client, households, django_capture_on_commit_callbacks):
    officer = households.users["ward_officer_hb"]
    response = ask(client, officer, "/reports/households.pdf?q=van", django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/jobs/{job.pk}/"
    assert (job.state, job.user, job.kind, job.params, job.total) == (
        "done",
        officer,
        "household_list_pdf",
        {"q": "van"},
        2,
    )
    assert job.done == 2 and job.attempts == 1
    page = client.get(response["Location"])
    assert "Sẵn sàng." in page.content.decode()
    download = client.get(f"/reports/jobs/{job.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert 'filename="danh-sach-ho-gia-dinh-hung-binh-tim-van-' in download["Content-Disposition"]
    text = flat_text(b"".join(download.streaming_content))
    assert "Tổng cộng: 2 hộ" in text and "Lê Văn Cường" in text


def test_without_pdf_rendering_a_list_job_fails_saying_why(
    client, households, monkeypatch, django_capture_on_commit_callbacks
):
    """The job says what a download says (reports.pdf.RenderingUnavailable.message)."""
    from reports import job_kinds
    from reports.pdf import RenderingUnavailable

    def unavailable(household_list, output):
        raise RenderingUnavailable("apt-get install libpango-1.0-0")

    monkeypatch.setattr(job_kinds, "render_household_list_pdf", unavailable)
    ask(client, households.users["ward_officer_hb"], "/reports/households.pdf", django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert (job.state, job.message) == ("failed", "Máy chủ chưa tạo được tệp PDF: apt-get install libpango-1.0-0")


def test_a_script_with_a_token_gets_202_then_polls_and_downloads(
    client, households, django_capture_on_commit_callbacks
):
    token = Token.objects.create(user=households.users["upper_level"])
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/reports/households.xlsx", **auth)
    assert response.status_code == 202
    started = response.json()
    assert started["state"] == "queued" and started["total"] == 4
    status = client.get(started["status_url"], **auth).json()
    assert status["state"] == "done" and status["percent"] == 100
    download = client.get(status["download_url"], **auth)
    assert download.status_code == 200
    book = load_workbook(BytesIO(b"".join(download.streaming_content)))
    codes = sorted(row[1] for row in book["Hộ"].iter_rows(min_row=3, values_only=True))
    assert codes == ["HB-1", "HB-2", "HB-3", "QT-1"]


def test_a_small_list_is_answered_at_once(client, households):
    client.force_login(households.users["ward_officer_hb"])
    response = client.get("/reports/households.pdf?q=cuong")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert not Job.objects.exists()


def test_a_failed_job_says_why_and_can_be_retried(client, world, flaky_kind, django_capture_on_commit_callbacks):
    user = world.users["ward_officer_hb"]
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_create(user=user, kind="test_flaky", params={})
    job.refresh_from_db()
    assert (job.state, job.message) == ("failed", "Thiếu dữ liệu khối 3.")
    page = client.get(f"/reports/jobs/{job.pk}/").content.decode()
    assert "Thiếu dữ liệu khối 3." in page and "Chạy lại" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reports/jobs/{job.pk}/retry/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.state, job.attempts, job.message) == ("done", 2, "")
    assert b"".join(client.get(f"/reports/jobs/{job.pk}/download/").streaming_content) == b"ok"


def test_an_unexpected_error_is_a_message_with_the_jobs_code(world, django_capture_on_commit_callbacks, caplog):
    @jobs.job_kind("test_broken", "Broken")
    def broken(*, job, output, progress):
        raise ZeroDivisionError

    try:
        with django_capture_on_commit_callbacks(execute=True):
            job = services.job_create(user=world.users["admin"], kind="test_broken", params={})
    finally:
        del jobs.KINDS["test_broken"], jobs.LABELS["test_broken"]
    job.refresh_from_db()
    assert job.state == "failed"
    assert str(job.pk) in job.message and "Thử lại" in job.message
    assert "ZeroDivisionError" in caplog.text


def test_an_attempt_that_finishes_after_another_worker_took_the_job_over_leaves_its_answer(world, storage):
    """A worker stalls past REPORT_JOB_STALE_MINUTES, the job is handed to another, which finishes; the first
    then finishes too. Its late answer used to overwrite the second's state, message and file."""
    runs = []

    @jobs.job_kind("test_slow", "Slow")
    def slow(*, job, output, progress):
        runs.append(job.attempts)
        if len(runs) == 1:  # the first worker stalls: the job is taken over and done while it still runs
            Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(hours=1))
            jobs.job_run(job.pk)
            progress(5, total=5)  # a late progress report changes nothing either
        output.write(f"attempt {len(runs)}".encode())
        return jobs.JobOutput(f"attempt-{len(runs)}.txt", "text/plain", message=f"attempt {len(runs)}")

    try:
        job = Job.objects.create(user=world.users["admin"], kind="test_slow", params={})
        jobs.job_run(job.pk)
    finally:
        del jobs.KINDS["test_slow"], jobs.LABELS["test_slow"]
    job.refresh_from_db()
    assert runs == [1, 2]
    assert (job.state, job.attempts, job.message, job.filename) == ("done", 2, "attempt 2", "attempt-2.txt")
    assert job.file.read() == b"attempt 2"
    assert [p.name for p in storage.rglob("attempt-*")] == [job.file.name.rsplit("/", 1)[-1]]  # the late file is gone


def test_a_job_whose_file_has_gone_says_so_and_makes_it_again(
    client, households, storage, django_capture_on_commit_callbacks
):
    ask(client, households.users["ward_officer_hb"], "/reports/households.pdf", django_capture_on_commit_callbacks)
    job = Job.objects.get()
    job.file.storage.delete(job.file.name)
    response = client.get(f"/reports/jobs/{job.pk}/download/")
    assert response.status_code == 410
    assert "không còn được lưu" in response.content.decode()
    json_response = client.get(f"/reports/jobs/{job.pk}/download/", HTTP_ACCEPT="application/json")
    assert json_response.status_code == 410 and json_response.json()["detail"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/reports/jobs/{job.pk}/retry/")
    job.refresh_from_db()
    assert job.state == "done" and job.file.storage.exists(job.file.name)
    assert client.get(f"/reports/jobs/{job.pk}/download/").status_code == 200


def test_a_running_job_cannot_be_retried_until_it_stalls(client, world):
    user = world.users["ward_officer_hb"]
    job = Job.objects.create(user=user, kind="household_list_pdf", state="running")
    assert not services.job_can_retry(job)
    with pytest.raises(services.JobNotRetryable):
        services.job_retry(user=user, job=job)
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    job.refresh_from_db()
    assert services.job_can_retry(job)


def test_a_job_the_sweep_deletes_during_a_retry_is_a_404(client, world, monkeypatch):
    """manage.py sweep_jobs may delete an old failed job between the page's lookup and the retry's row lock."""
    from reports import selectors

    user = world.users["ward_officer_hb"]
    job = Job.objects.create(user=user, kind="household_list_pdf", state="failed", message="Lỗi")
    found = selectors.job_get

    def found_then_swept(**kwargs):
        stale = found(**kwargs)
        Job.objects.filter(pk=stale.pk).delete()
        return stale

    monkeypatch.setattr(selectors, "job_get", found_then_swept)
    client.force_login(user)
    assert client.post(f"/reports/jobs/{job.pk}/retry/").status_code == 404
    assert not Job.objects.filter(pk=job.pk).exists()


def test_a_broker_that_is_down_fails_the_job_with_a_message(world, monkeypatch, django_capture_on_commit_callbacks):
    from reports import tasks

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(tasks.run_job, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_create(user=world.users["admin"], kind="household_list_pdf", params={})
    job.refresh_from_db()
    assert job.state == "failed" and "Redis" in job.message


def test_a_job_is_seen_only_by_its_user(client, households, django_capture_on_commit_callbacks):
    ask(client, households.users["ward_officer_hb"], "/reports/households.pdf", django_capture_on_commit_callbacks)
    job = Job.objects.get()
    client.force_login(households.users["ward_leader_hb"])  # same ward, another person
    for suffix in ("", "status/", "download/"):
        assert client.get(f"/reports/jobs/{job.pk}/{suffix}").status_code == 404
    assert client.post(f"/reports/jobs/{job.pk}/retry/").status_code == 404
    client.logout()
    response = client.get(f"/reports/jobs/{job.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(f"/reports/jobs/{job.pk}/status/", HTTP_AUTHORIZATION="Token wrong").status_code == 401


def test_a_job_fails_when_its_user_lost_the_scope(client, world, django_capture_on_commit_callbacks):
    officer = world.users["ward_officer_hb"]
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_create(user=officer, kind="household_list_pdf", params={"ward": str(world.qt.pk)})
    job.refresh_from_db()
    assert job.state == "failed" and job.message == "Không tìm thấy phường này."


@pytest.mark.parametrize("count", [1, 20])
def test_job_pages_query_count_is_bounded(client, world, count, django_assert_max_num_queries):
    user = world.users["ward_officer_hb"]
    for _ in range(count):
        job = Job.objects.create(user=user, kind="household_list_pdf", state="failed", message="x")
    client.force_login(user)
    with django_assert_max_num_queries(4):
        assert client.get("/reports/jobs/").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(f"/reports/jobs/{job.pk}/status/").status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(f"/reports/jobs/{job.pk}/").status_code == 200


def test_the_job_list_is_the_apps_list_table(client, world):
    # It was <table class="table">, a class no stylesheet knows: the browser's centred headings over left-aligned
    # cells, and on a phone three squeezed columns instead of the list's cards with their labels.
    user = world.users["ward_officer_hb"]
    Job.objects.create(user=user, kind="household_list_pdf", state="failed", message="x")
    client.force_login(user)
    page = client.get("/en/reports/jobs/").content.decode()
    assert '<table class="list" data-testid="jobs">' in page
    assert 'data-label="Asked for"' in page and 'data-label="State"' in page
    assert page.count('<th scope="col">') == 3
