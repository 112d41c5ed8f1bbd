"""Submitting reports to the upper level: who may, refusals and failures that leave nothing, the periods and
deadlines of the page, preliminary or official, versions of each kind, and a constant number of queries.

What a submission froze (the files, their checksums and downloads) is read back in test_submission_files.py,
rendered once there; a test here that does not read the PDF leaves WeasyPrint's layout out (quick_pdf).
"""

import re
from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from reports import services
from reports.models import Submission
from reports.periods import parse_period

from ..factories import WardFactory
from .pdftools import stub_layout
from .submitting import FILE_STORAGE, add_ward_data, submit
from .submitting import body as _body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": FILE_STORAGE}
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ward_data(world):
    return add_ward_data(world)


@pytest.fixture
def quick_pdf(monkeypatch):
    """Who may submit, what is listed and how many queries, not the layout (test_submission_files.py reads that):
    the document's template is rendered, with its queries, and the workbook written; WeasyPrint is left out."""
    stub_layout(monkeypatch)


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
def test_who_may_submit(client, ward_data, quick_pdf, user, ward, status):
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


def test_a_ward_without_a_version_says_so(client, ward_data, quick_pdf):
    submit(client, ward_data, period="2025-H1")
    client.force_login(ward_data.users["upper_level"])
    for prefix, text in (("", "Chưa có phiên bản nào"), ("/en", "No version of this report has been submitted")):
        page = client.get(f"{prefix}/reports/submissions/?period=2025-H1").content.decode()
        wards = re.findall(r'<section class="card" data-testid="submission-ward".*?</section>', page, re.S)
        assert len(wards) == 2
        empty = [ward for ward in wards if 'data-testid="no-versions"' in ward]
        assert len(empty) == 1 and "Quang Trung" in empty[0] and text in empty[0]
        assert "<table" not in empty[0] and "<table" in next(w for w in wards if w != empty[0])


def test_pages_and_api_lists_take_constant_queries(client, api_client, ward_data, quick_pdf):
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


def test_due_dates_today(ward_data):
    from reports import selectors

    rows = selectors.submission_overview(
        user=ward_data.users["upper_level"], period=parse_period("2025-H1"), kind="results", today=date(2025, 7, 5)
    )
    assert [(r["ward"].name, r["state"]) for r in rows] == [("Hưng Bình", "not_due"), ("Quang Trung", "not_due")]


@pytest.mark.parametrize(
    ("kind", "period", "assumed"),
    [("progress", "2025", True), ("progress", "2025-H1", True), ("results", "2025-H2", True),
     ("results", "2025", False), ("results", "2025-H1", False)],
)  # fmt: skip
def test_the_page_says_which_due_days_are_assumed(client, ward_data, kind, period, assumed):
    """The progress report's due day, and the half-year's and quarter's tables' outside February–September, are
    the app's assumption (no legal text it holds sets them, docs/legal-sources.md): each ward's row says so beside
    the day; the days of Quyết định 24/2021, Điều 7 are not marked."""
    client.force_login(ward_data.users["upper_level"])
    page = client.get("/reports/submissions/", {"period": period, "kind": kind}).content.decode()
    rows = page.count('data-testid="submission-ward"')
    assert rows == 2
    assert page.count('data-testid="assumed-due"') == (rows if assumed else 0)
    assert ("chưa có văn bản quy định ngày này" in page) is assumed


def test_the_progress_report_is_submitted_and_versioned_apart(client, ward_data, quick_pdf):
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


def test_the_officer_submits_the_years_tables_as_preliminary_or_official(client, api_client, ward_data, monkeypatch):
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
    stub_layout(monkeypatch)  # the later versions' layout is not read
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
