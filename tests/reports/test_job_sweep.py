"""Sweeping old jobs: expired jobs go with their files, running ones and recent ones stay, on a directory and
on storage without directories (like S3); the command and its systemd timer."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, InMemoryStorage
from django.core.management import call_command
from django.utils import timezone

from reports import jobs, services
from reports.models import Job

pytestmark = pytest.mark.django_db

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


@pytest.fixture(params=["directory", "bucket"])
def storage(request, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    store = FileSystemStorage(location=tmp_path) if request.param == "directory" else InMemoryStorage()
    monkeypatch.setattr(services, "default_storage", store)
    # The jobs' FileFields write through the default storage too.
    monkeypatch.setattr(Job._meta.get_field("file"), "storage", store)
    monkeypatch.setattr(Job._meta.get_field("input_file"), "storage", store)
    return store


def make_job(user, *, state, age: timedelta, with_input=False) -> Job:
    job = Job.objects.create(user=user, kind="household_list_pdf")
    if with_input:
        job.input_file.save("input.xlsx", ContentFile(b"in"), save=False)
    if state in (Job.State.DONE, Job.State.RUNNING):
        job.file.save("list.pdf", ContentFile(b"%PDF"), save=False)
    job.state = state
    job.save()
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - age)
    return Job.objects.get(pk=job.pk)


def test_expired_jobs_go_with_their_files_and_others_stay(world, storage):
    user = world.users["ward_officer_hb"]
    old_done = make_job(user, state="done", age=timedelta(days=40), with_input=True)
    old_failed = make_job(user, state="failed", age=timedelta(days=31))
    recent = make_job(user, state="done", age=timedelta(days=2))
    running = make_job(user, state="running", age=timedelta(minutes=1))
    before = services.job_retention_cutoff(days=30)

    swept = services.jobs_sweep(before=before)

    assert swept.jobs == 2 and swept.files == 2
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, running.pk}
    assert not storage.exists(old_done.file.name) and not storage.exists(old_done.input_file.name)
    assert storage.exists(recent.file.name) and storage.exists(running.file.name)
    assert old_failed.pk not in set(Job.objects.values_list("pk", flat=True))
    if isinstance(storage, FileSystemStorage):  # no empty folder left per job
        assert not Path(storage.path(old_done.file.name)).parent.exists()
    assert services.jobs_sweep(before=before).jobs == 0  # run again: nothing more


def test_a_job_that_spoke_within_the_stale_limit_is_never_swept(world, storage, settings):
    # A retention shorter than the stale-job limit would take a job a worker may still be writing: the limit wins.
    settings.REPORT_JOB_STALE_MINUTES = 3 * 24 * 60
    running = make_job(world.users["ward_officer_hb"], state="running", age=timedelta(days=2))
    before = services.job_retention_cutoff(days=1)
    assert before <= timezone.now() - timedelta(days=3)
    assert services.jobs_sweep(before=before).jobs == 0
    assert Job.objects.filter(pk=running.pk).exists() and storage.exists(running.file.name)


def test_files_no_job_points_to_are_swept_once_their_month_is_over(world, storage):
    old_orphan = storage.save(
        "jobs/2024/03/4f1d6c0e-8a4e-4d55-9d4e-0c6b8e8f0a11/list.pdf", ContentFile(b"left by a crash")
    )
    kept = make_job(world.users["ward_officer_hb"], state="done", age=timedelta(days=1))
    this_month = f"jobs/{timezone.now():%Y/%m}/9a1d6c0e-8a4e-4d55-9d4e-0c6b8e8f0a22/input.xlsx"
    new_orphan = storage.save(this_month, ContentFile(b"a job being created"))

    swept = services.jobs_sweep(before=services.job_retention_cutoff(days=30))

    assert swept.files == 1
    assert not storage.exists(old_orphan)
    assert storage.exists(new_orphan) and storage.exists(kept.file.name)


def test_a_job_retried_by_its_user_is_not_swept(world, storage):
    job = make_job(world.users["ward_officer_hb"], state="failed", age=timedelta(days=40))
    Job.objects.filter(pk=job.pk).update(state="queued", updated_at=timezone.now())  # a retry just now
    assert services.jobs_sweep(before=services.job_retention_cutoff(days=30)).jobs == 0
    assert Job.objects.filter(pk=job.pk).exists()


def test_a_retention_of_zero_keeps_every_job_but_not_the_inputs_done_jobs_left(world, storage, settings):
    settings.REPORT_JOB_RETENTION_DAYS = 0
    job = make_job(world.users["ward_officer_hb"], state="done", age=timedelta(days=400), with_input=True)
    upload = job.input_file.name
    out = StringIO()
    call_command("sweep_jobs", stdout=out)
    assert Job.objects.count() == 1
    assert "REPORT_JOB_RETENTION_DAYS" in out.getvalue() and "đã xóa 1 tệp đầu vào" in out.getvalue()
    job.refresh_from_db()
    assert storage.exists(job.file.name) and not storage.exists(upload) and not job.input_file


def test_the_command_sweeps_with_the_setting_or_days_given(world, storage, settings):
    settings.REPORT_JOB_RETENTION_DAYS = 30
    user = world.users["ward_officer_hb"]
    make_job(user, state="done", age=timedelta(days=40))
    make_job(user, state="done", age=timedelta(days=10))
    out = StringIO()
    call_command("sweep_jobs", stdout=out)
    assert Job.objects.count() == 1
    assert "Đã xóa 1 việc chạy nền" in out.getvalue()
    call_command("sweep_jobs", "--days", "7", stdout=StringIO())
    assert Job.objects.count() == 0


def test_the_timer_runs_the_command_daily():
    service = (DEPLOY / "systemd/hungbinh-sweep.service").read_text()
    timer = (DEPLOY / "systemd/hungbinh-sweep.timer").read_text()
    assert "manage.py sweep_jobs" in service
    assert "EnvironmentFile=/etc/hungbinh/env" in service and "User=hungbinh" in service
    assert "OnCalendar=" in timer and "Persistent=true" in timer


@pytest.fixture
def kind_with_input():
    """A kind that reads its input to the end, as an import does."""

    @jobs.job_kind("test_reads_input", "Reads its input")
    def reads_input(*, job, output, progress):
        with job.input_file.open("rb") as upload:
            output.write(upload.read())
        return jobs.JobOutput("echo.txt", "text/plain")

    yield "test_reads_input"
    del jobs.KINDS["test_reads_input"], jobs.LABELS["test_reads_input"]


def job_with_input(user, kind: str) -> Job:
    job = Job.objects.create(user=user, kind=kind)
    job.input_file.save("danh-sach-ho.xlsx", ContentFile(b"CCCD 001234567890"))
    return job


def test_a_done_job_whose_worker_died_before_deleting_its_input_has_it_deleted_by_the_next_sweep(
    world, storage, kind_with_input, monkeypatch
):
    """The worker marks the job done, then dies before deleting the upload (full ID numbers): the row still
    names the input, and the next sweep deletes it whatever the job's age; the job and its result stay."""
    job = job_with_input(world.users["ward_officer_hb"], kind_with_input)
    monkeypatch.setattr(jobs, "_delete_input", lambda job: None)  # the worker dies right after "done"
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.state == "done" and job.input_file and storage.exists(job.input_file.name)
    upload = job.input_file.name

    swept = services.jobs_sweep(before=services.job_retention_cutoff(days=30))

    job.refresh_from_db()
    assert swept.jobs == 0 and swept.files == 1
    assert not storage.exists(upload) and not job.input_file
    assert job.state == "done" and storage.exists(job.file.name)
    assert services.jobs_sweep(before=services.job_retention_cutoff(days=30)).files == 0


def test_an_input_the_bucket_refused_to_delete_stays_named_for_the_sweep(world, storage, kind_with_input, monkeypatch):
    job = job_with_input(world.users["ward_officer_hb"], kind_with_input)
    delete = storage.delete

    def refuse(name):
        raise OSError("bucket unreachable")

    monkeypatch.setattr(storage, "delete", refuse)
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.state == "done" and job.input_file.name and storage.exists(job.input_file.name)

    monkeypatch.setattr(storage, "delete", delete)
    assert services.done_inputs_sweep(storage) == 1
    job.refresh_from_db()
    assert not job.input_file and job.file and storage.exists(job.file.name)


def test_a_finished_job_deletes_its_input_and_forgets_its_name(world, storage, kind_with_input):
    job = job_with_input(world.users["ward_officer_hb"], kind_with_input)
    upload = job.input_file.name
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert job.state == "done" and not job.input_file and not storage.exists(upload)
    assert job.file.read() == b"CCCD 001234567890"
