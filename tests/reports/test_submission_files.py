"""What a submission froze, read back: the PDF and workbook with their checksums, a later version beside them,
downloads by session and API token within the scope, the upper level's page and the year's deadlines.

Hưng Bình's results of 2025 and of 2025-H1 are submitted once for the module, as its ward officer does
(module_frozen, inside the module's transaction: module_world); each test reads them in a savepoint of its
own, so what a test writes (a second version, a token, a date) is rolled back after it. Submitting itself
(refusals, failures, stages, query counts) is tested in test_submissions.py.
"""

import hashlib
from dataclasses import dataclass
from datetime import date
from io import BytesIO

import pytest
from django.conf import settings
from django.test import Client, override_settings
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from reports.models import Submission
from reports.periods import parse_period

from ..conftest import module_scoped_world
from ..factories import HouseholdFactory
from .pdftools import layout_row
from .submitting import FILE_STORAGE, add_ward_data, body, submit

pytestmark = pytest.mark.django_db

world = pytest.fixture(module_scoped_world, name="world")  # built once for the module


@dataclass(frozen=True)
class Frozen:
    year: int  # the 2025 results' Submission pk
    half: int  # the 2025-H1 results' Submission pk
    status: int  # the answer to the 2025 submission
    location: str


@pytest.fixture(scope="module")
def module_media(tmp_path_factory):
    """The module's stored files, in a folder of its own, for as long as the module's submissions live."""
    storages = {**settings.STORAGES, "default": FILE_STORAGE}
    with override_settings(STORAGES=storages, MEDIA_ROOT=tmp_path_factory.mktemp("submissions")):
        yield


@pytest.fixture(scope="module")
def module_frozen(module_world, module_media, django_db_blocker) -> Frozen:
    """The ward's data and its two submissions, rendered once (PDF and workbook) for the tests that read them."""
    client = Client()
    with django_db_blocker.unblock():
        add_ward_data(module_world)
        response = submit(client, module_world)
        assert submit(client, module_world, period="2025-H1").status_code == 302
        pks = {s.period: s.pk for s in Submission.objects.all()}
    return Frozen(year=pks["2025"], half=pks["2025-H1"], status=response.status_code, location=response["Location"])


@pytest.fixture
def frozen(world, module_frozen) -> Frozen:
    return module_frozen


def test_a_submission_freezes_pdf_and_excel_with_checksums(client, world, frozen):
    assert (frozen.status, frozen.location) == (302, "/reports/submissions/?period=2025&kind=results")
    submission = Submission.objects.get(pk=frozen.year)
    officer = world.users["ward_officer_hb"]
    assert (submission.version, submission.state, submission.submitted_by) == (1, "done", officer)
    client.force_login(officer)
    pdf = body(client.get(f"/reports/submissions/{submission.pk}.pdf"))
    assert hashlib.sha256(pdf).hexdigest() == submission.pdf_sha256
    assert layout_row(pdf, "Khối 1")[0] == "2"  # two poor households, frozen
    workbook = body(client.get(f"/reports/submissions/{submission.pk}.xlsx"))
    assert hashlib.sha256(workbook).hexdigest() == submission.xlsx_sha256
    assert load_workbook(BytesIO(workbook)).sheetnames[0] == "ket-qua"


def test_a_later_submission_is_a_new_version_and_the_old_one_stays(client, world, frozen):
    first = Submission.objects.get(pk=frozen.year)
    client.force_login(world.users["ward_officer_hb"])
    first_pdf = body(client.get(f"/reports/submissions/{first.pk}.pdf"))
    HouseholdFactory(khoi=world.hb_k1, status="poor")
    submit(client, world, user="ward_leader_hb")
    second = Submission.objects.get(period="2025", version=2)
    assert second.pdf.name != first.pdf.name and second.pdf_sha256 != first.pdf_sha256
    assert body(client.get(f"/reports/submissions/{first.pk}.pdf")) == first_pdf  # untouched
    assert layout_row(body(client.get(f"/reports/submissions/{second.pk}.pdf")), "Khối 1")[0] == "3"


def test_upper_level_page_shows_who_submitted_and_who_is_late(client, world, frozen):
    client.force_login(world.users["upper_level"])
    page = client.get("/reports/submissions/?period=2025-H1").content.decode()
    assert 'data-state="submitted_late"' in page or 'data-state="on_time"' in page
    assert 'data-state="late"' in page  # Quang Trung sent nothing and 5 July 2025 is past
    assert "Phường Ngoài" not in page  # another unit's ward
    assert "Nộp báo cáo" not in page  # the upper level reads, it does not submit


def test_api_lists_and_downloads_with_the_token(client, world, frozen):
    submission = Submission.objects.get(pk=frozen.year)
    token = Token.objects.create(user=world.users["upper_level"])
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    listing = client.get("/api/v1/reports/", {"period": "2025"}, **auth).json()
    assert [r["id"] for r in listing["results"]] == [submission.pk]  # not the 2025-H1 one
    row = listing["results"][0]
    assert (row["ward_name"], row["version"], row["pdf_sha256"]) == ("Hưng Bình", 1, submission.pdf_sha256)
    pdf = client.get(row["pdf_url"], **auth)
    assert pdf.status_code == 200 and hashlib.sha256(body(pdf)).hexdigest() == submission.pdf_sha256
    assert pdf["X-Checksum-SHA256"] == submission.pdf_sha256
    xlsx = client.get(f"/api/v1/reports/{submission.pk}/download/?file=xlsx", **auth)
    assert hashlib.sha256(body(xlsx)).hexdigest() == submission.xlsx_sha256
    assert client.get(f"/api/v1/reports/{submission.pk}/download/?file=doc", **auth).status_code == 400
    # The report URL takes the token too.
    assert client.get(f"/reports/submissions/{submission.pk}.pdf", **auth).status_code == 200
    client.logout()
    assert client.get("/api/v1/reports/").status_code == 401


@pytest.mark.parametrize(
    ("user", "status", "sees"),
    [("ward_officer_hb", 200, True), ("upper_level", 200, True), ("admin", 200, True), ("ward_officer_qt", 404, False),
     ("khoi_member_hb_k1", 404, False)],
)  # fmt: skip
def test_downloads_follow_the_scope(client, api_client, world, frozen, user, status, sees):
    api_client.force_authenticate(world.users[user])
    assert api_client.get("/api/v1/reports/").json()["count"] == (2 if sees else 0)  # 2025 and 2025-H1
    assert api_client.get(f"/api/v1/reports/{frozen.year}/download/").status_code == status
    client.force_login(world.users[user])
    assert client.get(f"/reports/submissions/{frozen.year}.pdf").status_code in (status, 403)


def test_the_years_results_answer_the_periodic_reviews_deadlines(client, world, frozen):
    """Preliminary by 15/11, official by 20/12; the day a version was sent is Vietnam's, not UTC's."""
    from datetime import UTC, datetime

    from reports import selectors

    # 23:30 UTC on 15/11 is 06:30 on 16/11 in Vietnam: the preliminary result came a day late.
    Submission.objects.filter(pk=frozen.year).update(submitted_at=datetime(2025, 11, 15, 23, 30, tzinfo=UTC))
    upper = world.users["upper_level"]

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
