"""Submissions to the upper level: frozen files with checksum, versions, late wards, downloads by
session and API token, scope and role, and a constant number of queries."""

import hashlib
from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from reports import services
from reports.models import Submission
from reports.periods import parse_period

from ..factories import HouseholdFactory, MemberFactory, WardFactory
from .pdftools import layout_row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ward_data(world):
    for _n in range(2):
        MemberFactory(household=HouseholdFactory(khoi=world.hb_k1, status="poor"))
    HouseholdFactory(khoi=world.qt_k1, status="near_poor")
    return world


def submit(client, world, user="ward_officer_hb", period="2025", ward=None):
    client.force_login(world.users[user])
    return client.post(f"/reports/submissions/submit/{(ward or world.hb).pk}/{period}/")


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_submission_freezes_pdf_and_excel_with_checksums(client, ward_data):
    response = submit(client, ward_data)
    assert response.status_code == 302 and response["Location"] == "/reports/submissions/?period=2025&kind=results"
    submission = Submission.objects.get()
    assert (submission.version, submission.state, submission.submitted_by) == (
        1, "done", ward_data.users["ward_officer_hb"]
    )  # fmt: skip
    pdf = _body(client.get(f"/reports/submissions/{submission.pk}.pdf"))
    assert hashlib.sha256(pdf).hexdigest() == submission.pdf_sha256
    assert layout_row(pdf, "Khối 1")[0] == "2"  # two poor households, frozen
    workbook = _body(client.get(f"/reports/submissions/{submission.pk}.xlsx"))
    assert hashlib.sha256(workbook).hexdigest() == submission.xlsx_sha256
    assert load_workbook(BytesIO(workbook)).sheetnames[0] == "ket-qua"


def test_a_later_submission_is_a_new_version_and_the_old_one_stays(client, ward_data):
    submit(client, ward_data)
    first = Submission.objects.get()
    first_pdf = _body(client.get(f"/reports/submissions/{first.pk}.pdf"))
    HouseholdFactory(khoi=ward_data.hb_k1, status="poor")
    submit(client, ward_data, user="ward_leader_hb")
    second = Submission.objects.get(version=2)
    assert second.pdf.name != first.pdf.name and second.pdf_sha256 != first.pdf_sha256
    assert _body(client.get(f"/reports/submissions/{first.pk}.pdf")) == first_pdf  # untouched
    assert layout_row(_body(client.get(f"/reports/submissions/{second.pk}.pdf")), "Khối 1")[0] == "3"


def test_a_second_submission_while_one_is_being_frozen_is_refused(client, ward_data):
    Submission.objects.create(
        ward=ward_data.hb, kind="results", period="2025", version=1, submitted_by=ward_data.users["ward_officer_hb"]
    )
    response = submit(client, ward_data)
    assert response.status_code == 409
    assert "đang được" in response.content.decode()
    assert Submission.objects.count() == 1


def test_a_failed_freeze_leaves_nothing(ward_data, monkeypatch):
    def broken(ward, period, stage):
        raise RuntimeError("renderer crashed")

    monkeypatch.setitem(services.FREEZERS, "results", broken)
    with pytest.raises(RuntimeError):
        services.submission_create(
            by=ward_data.users["ward_officer_hb"], ward=ward_data.hb, kind="results", period=parse_period("2025")
        )
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("user", "ward", "status"),
    [
        ("upper_level", "hb", 403),
        ("khoi_member_hb_k1", "hb", 403),
        ("ward_officer_qt", "hb", 404),
        ("ward_officer_hb", "other", 404),
        ("admin", "other", 302),
    ],
)
def test_who_may_submit(client, ward_data, user, ward, status):
    target = {"hb": ward_data.hb, "other": ward_data.other}[ward]
    assert submit(client, ward_data, user=user, ward=target).status_code == status


def test_bad_period_is_a_400_and_changes_nothing(client, ward_data):
    response = submit(client, ward_data, period="2025-Q5")
    assert response.status_code == 400 and "2025-Q1" in response.content.decode()
    assert not Submission.objects.exists()


@pytest.mark.parametrize(("today", "opened"), [(date(2026, 1, 31), "2025"), (date(2026, 2, 1), "2026")])
def test_the_page_opens_on_the_period_of_the_day_in_vietnam(client, ward_data, monkeypatch, today, opened):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today)
    client.force_login(ward_data.users["ward_officer_hb"])
    response = client.get("/reports/submissions/")
    assert response.status_code == 200 and response.context["period"] == parse_period(opened)
    assert [p.key for p in response.context["periods"]][::7] == [str(today.year), str(today.year - 1)]
    unreadable = client.get("/reports/submissions/", {"period": "2026-Q5"})
    assert unreadable.status_code == 400 and unreadable.context["period"] == parse_period(str(today.year))


def test_upper_level_page_shows_who_submitted_and_who_is_late(client, ward_data):
    submit(client, ward_data, period="2025-H1")
    client.force_login(ward_data.users["upper_level"])
    page = client.get("/reports/submissions/?period=2025-H1").content.decode()
    assert 'data-state="submitted_late"' in page or 'data-state="on_time"' in page
    assert 'data-state="late"' in page  # Quang Trung sent nothing and 5 July 2025 is past
    assert "Phường Ngoài" not in page  # another unit's ward
    assert "Nộp báo cáo" not in page  # the upper level reads, it does not submit


def test_pages_and_api_lists_take_constant_queries(client, api_client, ward_data):
    officer = ward_data.users["ward_officer_hb"]
    upper = ward_data.users["upper_level"]
    submit(client, ward_data)
    api_client.force_authenticate(upper)
    client.force_login(upper)
    with CaptureQueriesContext(connection) as before:
        client.get("/reports/submissions/?period=2025")
        api_client.get("/api/v1/reports/")
    for n in range(3):
        extra = WardFactory(name=f"Phường {n}", code=f"P{n}", upper_unit=ward_data.hb.upper_unit)
        services.submission_create(by=officer, ward=ward_data.hb, kind="results", period=parse_period("2025"))
        Submission.objects.create(
            ward=extra, kind="results", period="2025", version=1, submitted_by=officer, state="done",
            pdf="x.pdf", xlsx="x.xlsx", pdf_sha256="0" * 64, xlsx_sha256="0" * 64,
        )  # fmt: skip
    with CaptureQueriesContext(connection) as after:
        page = client.get("/reports/submissions/?period=2025")
        listing = api_client.get("/api/v1/reports/")
    assert page.status_code == 200 and listing.json()["count"] == 7
    assert len(after.captured_queries) == len(before.captured_queries)


def test_api_lists_and_downloads_with_the_token(client, ward_data):
    submit(client, ward_data)
    submit(client, ward_data, period="2025-H1")
    submission = Submission.objects.get(period="2025")
    token = Token.objects.create(user=ward_data.users["upper_level"])
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    listing = client.get("/api/v1/reports/", {"period": "2025"}, **auth).json()
    assert [r["id"] for r in listing["results"]] == [submission.pk]
    row = listing["results"][0]
    assert (row["ward_name"], row["version"], row["pdf_sha256"]) == ("Hưng Bình", 1, submission.pdf_sha256)
    pdf = client.get(row["pdf_url"], **auth)
    assert pdf.status_code == 200 and hashlib.sha256(_body(pdf)).hexdigest() == submission.pdf_sha256
    assert pdf["X-Checksum-SHA256"] == submission.pdf_sha256
    xlsx = client.get(f"/api/v1/reports/{submission.pk}/download/?file=xlsx", **auth)
    assert hashlib.sha256(_body(xlsx)).hexdigest() == submission.xlsx_sha256
    assert client.get(f"/api/v1/reports/{submission.pk}/download/?file=doc", **auth).status_code == 400
    # The report URL takes the token too.
    assert client.get(f"/reports/submissions/{submission.pk}.pdf", **auth).status_code == 200
    client.logout()
    assert client.get("/api/v1/reports/").status_code == 401


@pytest.mark.parametrize(
    ("user", "status", "count"),
    [("ward_officer_hb", 200, 1), ("upper_level", 200, 1), ("admin", 200, 1), ("ward_officer_qt", 404, 0),
     ("khoi_member_hb_k1", 404, 0)],
)  # fmt: skip
def test_downloads_follow_the_scope(client, api_client, ward_data, user, status, count):
    submit(client, ward_data)
    submission = Submission.objects.get()
    api_client.force_authenticate(ward_data.users[user])
    assert api_client.get("/api/v1/reports/").json()["count"] == count
    assert api_client.get(f"/api/v1/reports/{submission.pk}/download/").status_code == status
    client.force_login(ward_data.users[user])
    assert client.get(f"/reports/submissions/{submission.pk}.pdf").status_code in (status, 403)


def test_due_dates_today(ward_data):
    from reports import selectors

    rows = selectors.submission_overview(
        user=ward_data.users["upper_level"], period=parse_period("2025-H1"), kind="results", today=date(2025, 7, 5)
    )
    assert [(r["ward"].name, r["state"]) for r in rows] == [("Hưng Bình", "not_due"), ("Quang Trung", "not_due")]


def test_the_years_results_answer_the_periodic_reviews_deadlines(client, ward_data):
    """Preliminary by 15/11, official by 20/12; the day a version was sent is Vietnam's, not UTC's."""
    from datetime import UTC, datetime

    from reports import selectors

    submit(client, ward_data)
    # 23:30 UTC on 15/11 is 06:30 on 16/11 in Vietnam: the preliminary result came a day late.
    Submission.objects.update(submitted_at=datetime(2025, 11, 15, 23, 30, tzinfo=UTC))
    upper = ward_data.users["upper_level"]

    def states(today):
        rows = selectors.submission_overview(user=upper, period=parse_period("2025"), kind="results", today=today)
        return [(r["ward"].name, r["state"], [d["state"] for d in r["deadlines"]]) for r in rows]

    assert states(date(2025, 12, 20)) == [
        ("Hưng Bình", "submitted_late", ["submitted_late", "on_time"]),
        ("Quang Trung", "late", ["late", "not_due"]),
    ]
    assert states(date(2025, 12, 21))[1] == ("Quang Trung", "late", ["late", "late"])
    client.force_login(upper)
    page = client.get("/reports/submissions/?period=2025").content.decode()
    assert "Kết quả sơ bộ: hạn 15/11/2025" in page and "Kết quả chính thức: hạn 20/12/2025" in page


def test_the_progress_report_is_submitted_and_versioned_apart(client, ward_data):
    client.force_login(ward_data.users["ward_officer_hb"])
    url = f"/reports/submissions/submit/{ward_data.hb.pk}/2025-H1/"
    assert client.post(url, {"kind": "progress"}).status_code == 302
    assert client.post(url, {"kind": "results"}).status_code == 302
    assert client.post(url, {"kind": "nonsense"}).status_code == 400
    progress = Submission.objects.get(kind="progress")
    assert progress.version == 1 and Submission.objects.get(kind="results").version == 1
    workbook = load_workbook(BytesIO(_body(client.get(f"/reports/submissions/{progress.pk}.xlsx"))))
    assert "ho-tro" in workbook.sheetnames
    page = client.get("/reports/submissions/?period=2025-H1&kind=progress").content.decode()
    assert f"/reports/submissions/{progress.pk}.pdf" in page


def test_the_upper_level_downloads_the_consolidated_tables_from_the_page(client, ward_data):
    client.force_login(ward_data.users["upper_level"])
    page = client.get("/reports/submissions/?period=2025").content.decode()
    unit = ward_data.hb.upper_unit_id
    assert f"/reports/results/upper/{unit}/2025.xlsx" in page
    client.force_login(ward_data.users["ward_officer_hb"])
    assert "/reports/results/upper/" not in client.get("/reports/submissions/?period=2025").content.decode()


def test_the_upper_level_may_not_submit_whatever_the_period(client, ward_data):
    """A bad period was a 400 for the upper level, whose submission is a 403 anyway (found by the permission
    matrix): the role is asked first."""
    assert submit(client, ward_data, user="upper_level", period="x").status_code == 403
    assert submit(client, ward_data, user="upper_level", period="x", ward=ward_data.other).status_code == 403
    assert submit(client, ward_data, user="ward_officer_hb", period="x").status_code == 400


# --- Preliminary or official: the officer's choice, not the date's (docs/reports.md, "Due dates") --------------


def test_the_officer_submits_the_years_tables_as_preliminary_or_official(client, api_client, ward_data):
    from openpyxl import load_workbook as read

    from .pdftools import flat_text

    officer = ward_data.users["ward_officer_hb"]
    client.force_login(officer)
    page = client.get("/reports/submissions/?period=2025").content.decode()
    # The choice is offered for the year's tables, the date's default chosen (after 15/11/2025: official).
    assert 'name="stage"' in page and '<option value="official" selected>Kết quả chính thức</option>' in page
    url = f"/reports/submissions/submit/{ward_data.hb.pk}/2025/"
    assert client.post(url, {"kind": "results", "stage": "preliminary"}).status_code == 302
    submission = Submission.objects.get()
    assert submission.stage == "preliminary"
    pdf = _body(client.get(f"/reports/submissions/{submission.pk}.pdf"))
    assert "Hưng Bình — năm 2025 — Kết quả sơ bộ" in flat_text(pdf, first=1, last=1)
    sheet = read(BytesIO(_body(client.get(f"/reports/submissions/{submission.pk}.xlsx"))))["ket-qua"]
    assert "KẾT QUẢ SƠ BỘ" in [sheet.cell(row=r, column=1).value for r in range(1, 6)]
    page = client.get("/reports/submissions/?period=2025").content.decode()
    assert 'data-stage="preliminary">Kết quả sơ bộ</td>' in page
    # The API says it, and filters on it; the schema names the two values.
    api_client.force_authenticate(ward_data.users["upper_level"])
    assert api_client.get("/api/v1/reports/").json()["results"][0]["stage"] == "preliminary"
    assert api_client.get("/api/v1/reports/", {"stage": "official"}).json()["count"] == 0
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    stage = schema["components"]["schemas"]["Submission"]["properties"]["stage"]
    assert "preliminary" in str(schema["components"]["schemas"]) and "15/11" in stage.get("description", "")
    # Without a choice the date decides; a stage that does not exist, or for another report, is refused.
    assert client.post(url, {"kind": "results"}).status_code == 302
    assert Submission.objects.get(version=2).stage == "official"
    assert client.post(url, {"kind": "results", "stage": "final"}).status_code == 400
    refused = client.post(url, {"kind": "progress", "stage": "official"})
    assert refused.status_code == 400
    assert "với báo cáo này, hãy để trống mục sơ bộ hay chính thức (stage)" in refused.content.decode()
    half = f"/reports/submissions/submit/{ward_data.hb.pk}/2025-H2/"
    assert client.post(half, {"kind": "results", "stage": "official"}).status_code == 400
    assert client.post(half, {"kind": "results"}).status_code == 302
    assert Submission.objects.get(period="2025-H2").stage == ""
    assert "stage-choice" not in client.get("/reports/submissions/?period=2025-H2").content.decode()


def test_the_stage_offered_by_default_is_the_dates():
    from datetime import date

    for today, stage in ((date(2025, 11, 15), "preliminary"), (date(2025, 11, 16), "official")):
        assert services.submission_stage(kind="results", period=parse_period("2025"), chosen=None, today=today) == stage


def test_lateness_counts_against_the_deadline_of_the_stage_sent(ward_data):
    """Preliminary results sent on 16/11 are late for the preliminary deadline and do not answer the official
    one (by the date alone they were the official results, on time)."""
    from datetime import UTC, datetime

    from reports import selectors

    officer = ward_data.users["ward_officer_hb"]
    for ward, stage in ((ward_data.hb, "preliminary"), (ward_data.qt, "official")):
        Submission.objects.create(
            ward=ward, kind="results", period="2025", version=1, submitted_by=officer, state="done", stage=stage,
            pdf="x.pdf", xlsx="x.xlsx", pdf_sha256="0" * 64, xlsx_sha256="0" * 64,
        )  # fmt: skip
    Submission.objects.update(submitted_at=datetime(2025, 11, 16, 3, 0, tzinfo=UTC))
    rows = selectors.submission_overview(
        user=ward_data.users["upper_level"], period=parse_period("2025"), kind="results", today=date(2025, 12, 21)
    )
    assert [(r["ward"].name, r["state"], [d["state"] for d in r["deadlines"]]) for r in rows] == [
        ("Hưng Bình", "late", ["submitted_late", "late"]),
        ("Quang Trung", "submitted_late", ["submitted_late", "on_time"]),
    ]
