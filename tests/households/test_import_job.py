"""A large workbook is checked or imported by the job runner (eager here), with its report as Excel."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from households.importing import report as import_report
from households.models import Household, Member
from reports import jobs, services
from reports.job_kinds import HOUSEHOLD_IMPORT
from reports.models import Job

from .workbooks import build, household_row, member_row

pytestmark = pytest.mark.django_db

PAGE = "/households/import/"


@pytest.fixture(autouse=True)
def large(settings, tmp_path):
    """Every file is 'large': it goes to the job runner."""
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_JOB_BYTES = 0
    return tmp_path


def post(client, user, ward, stream, action, capture):
    client.force_login(user)
    file = SimpleUploadedFile("danh-sach-ho.xlsx", stream.getvalue())
    with capture(execute=True):
        return client.post(PAGE, {"ward": ward.pk, "file": file, "action": action})


def report(client, job) -> dict[str, list[tuple]]:
    download = client.get(f"/reports/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith('filename="ket-qua-nhap-danh-sach-ho.xlsx"')
    workbook = load_workbook(BytesIO(b"".join(download.streaming_content)), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def test_import_of_a_large_file_runs_as_a_job_and_reports_what_it_wrote(
    client, world, large, django_capture_on_commit_callbacks
):
    officer = world.users["ward_officer_hb"]
    stream = build([household_row("A"), household_row("B")], [member_row("A")])
    response = post(client, officer, world.hb, stream, "import", django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/jobs/{job.pk}/"
    assert (job.kind, job.state, job.user, job.params["dry_run"]) == (HOUSEHOLD_IMPORT, "done", officer, False)
    assert Household.objects.filter(ward=world.hb).count() == 2 and Member.objects.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Đã nhập xong: thêm mới 2 hộ" in page and 'data-testid="job-download"' in page
    sheets = report(client, job)
    assert sheets["Kết quả"][0][0] == "Nhập danh-sach-ho.xlsx vào Hưng Bình"
    assert ("Hộ thêm mới", 2) in sheets["Kết quả"] and ("Lỗi", 0) in sheets["Kết quả"]
    assert [row[0] for row in sheets["Hộ thêm mới"][1:]] == ["A", "B"]
    # The upload (full ID numbers) is not kept once read.
    assert not job.input_file and not [p for p in large.rglob("*") if p.name.startswith("danh-sach-ho")]


def test_an_attempt_that_ends_after_the_job_was_handed_over_leaves_the_upload_to_the_next(
    world, large, monkeypatch, django_capture_on_commit_callbacks
):
    """A worker reads the upload to the end and stalls past REPORT_JOB_STALE_MINUTES; another worker takes the
    job over (it has claimed it, not yet opened the upload). The first attempt's end deleted the upload, and the
    job then failed with "no longer stored": only the attempt that finishes the job deletes it."""
    write = import_report.write_import_report
    attempts = []

    def stall_then_hand_over(result, **kwargs):
        job = Job.objects.get()
        attempts.append(job.attempts)
        if len(attempts) == 1:
            Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(hours=1))
            assert jobs._claim(job.pk)  # the second worker holds the job now
        return write(result, **kwargs)

    monkeypatch.setattr(import_report, "write_import_report", stall_then_hand_over)
    upload = ContentFile(build([household_row("A"), household_row("B")]).getvalue(), name="danh-sach-ho.xlsx")
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_create(
            user=world.users["ward_officer_hb"],
            kind=HOUSEHOLD_IMPORT,
            params={"ward_id": world.hb.pk, "dry_run": False, "file_name": "danh-sach-ho.xlsx"},
            input_file=upload,
        )
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("running", 2)  # the first attempt's end changed nothing of the job
    assert job.input_file and job.input_file.storage.exists(job.input_file.name)

    # The worker that holds the job goes on (here a third, as the second stalled too): it reads the upload.
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    jobs.job_run(job.pk)
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("done", 3), job.message
    assert Household.objects.filter(ward=world.hb).count() == 2
    # Done for good: now the upload (full ID numbers) is not kept.
    assert not job.input_file and not [p for p in large.rglob("*") if p.name.startswith("danh-sach-ho")]


def test_a_failed_import_keeps_its_upload_for_run_it_again(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_create(
            user=world.users["ward_officer_hb"],
            kind=HOUSEHOLD_IMPORT,
            params={"ward_id": world.qt.pk, "dry_run": False, "file_name": "x.xlsx"},
            input_file=ContentFile(build([household_row()]).getvalue(), name="x.xlsx"),
        )
    job.refresh_from_db()
    assert job.state == "failed" and job.input_file and job.input_file.storage.exists(job.input_file.name)


def test_check_of_a_large_file_writes_nothing_and_reports_what_it_would_change(
    client, world, django_capture_on_commit_callbacks
):
    response = post(
        client,
        world.users["ward_leader_hb"],
        world.hb,
        build([household_row()]),
        "dry_run",
        django_capture_on_commit_callbacks,
    )
    job = Job.objects.get()
    assert response.status_code == 302 and job.state == "done" and job.params["dry_run"] is True
    assert not Household.objects.exists()
    assert "chưa ghi gì" in job.message
    assert [row[:2] for row in report(client, job)["Hộ thêm mới"][1:]] == [("HB-001", "Nguyễn Văn An")]


def test_a_large_file_with_problems_writes_nothing_and_lists_them(client, world, django_capture_on_commit_callbacks):
    stream = build([household_row("A", **{"Khối": "Khối 9"}), household_row("A")])
    post(client, world.users["ward_officer_hb"], world.hb, stream, "import", django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert job.state == "done" and not Household.objects.exists()
    assert job.message.startswith("Chưa ghi gì")
    problems = report(client, job)["Lỗi"]
    assert problems[0] == ("Trang tính", "Dòng", "Cột", "Lỗi")
    assert {(row[0], row[1], row[2]) for row in problems[1:]} == {("Hộ", 4, "Khối"), ("Hộ", 5, "Mã hộ")}


def test_a_small_file_is_still_checked_in_the_request(client, world, settings):
    settings.IMPORT_JOB_BYTES = 10 * 1024 * 1024
    client.force_login(world.users["ward_officer_hb"])
    file = SimpleUploadedFile("ho.xlsx", build([household_row()]).getvalue())
    response = client.post(PAGE, {"ward": world.hb.pk, "file": file, "action": "dry_run"})
    assert response.status_code == 200 and response.context["result"].ok
    assert not Job.objects.exists()


@pytest.mark.parametrize("role", ["khoi_member_hb_k1", "upper_level"])
def test_roles_without_import_start_no_job(client, world, role, django_capture_on_commit_callbacks):
    response = post(
        client, world.users[role], world.hb, build([household_row()]), "import", django_capture_on_commit_callbacks
    )
    assert response.status_code == 403
    assert not Job.objects.exists() and not Household.objects.exists()


def test_another_wards_job_fails_and_writes_nothing(world, django_capture_on_commit_callbacks):
    # A job naming a ward outside its user's scope (made by hand: the page offers only the user's wards).
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_create(
            user=world.users["ward_officer_hb"],
            kind=HOUSEHOLD_IMPORT,
            params={"ward_id": world.qt.pk, "dry_run": False, "file_name": "x.xlsx"},
            input_file=ContentFile(build([household_row(**{"Khối": "Khối 1"})]).getvalue(), name="x.xlsx"),
        )
    job.refresh_from_db()
    assert job.state == "failed" and job.message == "Phường này không thuộc phạm vi bạn quản lý."
    assert not Household.objects.exists()


def test_a_job_without_its_file_fails_with_a_message(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.job_create(
            user=world.users["ward_officer_hb"],
            kind=HOUSEHOLD_IMPORT,
            params={"ward_id": world.hb.pk, "dry_run": True},
        )
    job.refresh_from_db()
    assert job.state == "failed" and "Chọn lại tệp" in job.message


def test_the_page_says_when_a_file_goes_to_the_background(client, world, settings):
    settings.IMPORT_JOB_BYTES = 1024 * 1024
    client.force_login(world.users["ward_officer_hb"])
    html = client.get(PAGE).content.decode()
    assert "Tệp lớn hơn 1,0\xa0MB được kiểm tra hoặc nhập ở chế độ chạy nền" in html


@pytest.mark.parametrize(("count", "english"), [(1, "the file has 1 problem,"), (3, "the file has 3 problems,")])
def test_the_summary_counts_the_files_problems_in_both_languages(count, english):
    from django.utils import translation

    from households.importing.report import import_summary
    from households.importing.results import ImportResult, ImportRowError

    result = ImportResult(errors=[ImportRowError("Hộ", n + 4, "Khối", "…") for n in range(count)])
    with translation.override("en"):
        assert english in import_summary(result, dry_run=False)
    with translation.override("vi"):
        assert import_summary(result, dry_run=False).startswith("Chưa ghi gì")
