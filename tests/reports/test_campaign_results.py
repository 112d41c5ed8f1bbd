"""A campaign's results (/reports/reviews/<campaign id>.pdf and .xlsx): read back and compared with the data."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from reports.review_papers import status_name
from reviews import services
from reviews.models import Review

from ..factories import HouseholdFactory
from . import test_review_papers as papers
from .pdftools import flat_text, page_sizes
from .test_review_papers import _everyone, assert_official

# The review papers' fixtures: Hưng Bình's 2025 campaign, five khối 1 households decided, one of khối 2 listed.
officer, leader, households = papers.officer, papers.leader, papers.households
campaign, decided = papers.campaign, papers.decided

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def get(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, response.content[:400]
    return response


def _workbook(response):
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment")
    return load_workbook(BytesIO(response.content))


def _row(sheet, label):
    for row in sheet.iter_rows(values_only=True):
        if row[1] == label:
            return list(row)
    raise AssertionError(label)


def test_pdf_counts_and_households(client, world, campaign, decided, households, officer):
    content = get(client, officer, f"/reports/reviews/{campaign.pk}.pdf").content
    assert_official(content)
    assert set(page_sizes(content)) == {(842, 595)}
    text = flat_text(content)
    assert "BÁO CÁO" in text and "Kết quả rà soát hộ nghèo, hộ cận nghèo" in text
    assert "Số: /BC-UBND" in text.replace("\u00a0", "")  # Nghị định 30: a report has its number line
    assert "Rà soát định kỳ năm 2025 – phường Hưng Bình" in text
    # Khối 1: five listed and surveyed; proposed 2 poor (stays, falls), 1 near-poor, 2 not poor; all recognised.
    assert "1 Khối 1 5 5 2 1 2 2 1 2 0 0" in text
    assert "2 Khối 2 1 0 0 0 0 0 0 0 0 0" in text
    assert "Tổng cộng 6 5 2 1 2 2 1 2 0 0" in text
    assert "K1-01 Nguyễn Thị Hường Hộ nghèo Hộ nghèo" in text
    assert "215/QĐ-UBND" in text
    assert "K1-03 Lê Thị Ngọc Ánh Hộ cận nghèo Hộ nghèo" in text
    assert "K2-01 Đặng Văn Khối Hai Hộ nghèo" in text
    assert "Bùi Văn Quang" not in text  # another ward
    assert "Tổng cộng: 6 hộ" in text
    assert "TM. ỦY BAN NHÂN DÂN" in text and "CHỦ TỊCH" in text and "Lưu: VT, LĐTBXH." in text


def test_workbook_cells_equal_the_data(client, world, campaign, decided, households, officer):
    response = get(client, officer, f"/reports/reviews/{campaign.pk}.xlsx")
    assert response["Content-Disposition"] == f'attachment; filename="ket-qua-ra-soat-dot-{campaign.pk}.xlsx"'
    workbook = _workbook(response)
    summary, listing = workbook.worksheets
    assert _row(summary, "Khối 1")[2:] == [5, 5, 2, 1, 2, 2, 1, 2, 0, 0]
    assert _row(summary, "Tổng cộng")[2:] == [6, 5, 2, 1, 2, 2, 1, 2, 0, 0]
    rows = {row[2]: row for row in listing.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == {"K1-01", "K1-02", "K1-03", "K1-04", "K1-05", "K2-01"}
    for review in Review.objects.filter(campaign=campaign).select_related("household", "decision"):
        row = rows[review.household.code]
        assert row[3] == review.household.head_name
        recognised = review.state == "recognised"
        assert (row[7] or "") == (status_name(review.proposed_status) if recognised else "")
        assert (row[8] or "") == (review.decision.number if review.decision else "")
        if review.state != "listed":
            assert row[6] == review.score_b
    assert rows["K1-01"][4:6] == ("Hộ nghèo", "Hộ nghèo")
    assert rows["K1-02"][7] == "Hộ có mức sống trung bình"
    # Text cells are strings, never numbers or formulas.
    for sheet in workbook.worksheets:
        for line in sheet.iter_rows():
            for cell in line:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", cell.coordinate


def test_control_characters_are_dropped_and_codes_stay_text(client, world, officer):
    campaign = services.campaign_open(by=officer, ward=world.hb, kind="regular", year=2026, month=3)
    household = HouseholdFactory(khoi=world.hb_k1, code="0012", head_name="Ngô\x07 Văn =SUM(A1)", status="poor")
    Review.objects.create(campaign=campaign, household=household, khoi=world.hb_k1, from_status="poor")
    listing = _workbook(get(client, officer, f"/reports/reviews/{campaign.pk}.xlsx")).worksheets[1]
    row = next(listing.iter_rows(min_row=3, max_row=3))
    assert row[2].value == "0012" and row[2].data_type == "s"
    assert row[3].value == "Ngô Văn =SUM(A1)" and row[3].data_type == "s"


def test_empty_campaign_says_so(client, world, officer):
    campaign = services.campaign_open(by=officer, ward=world.hb, kind="regular", year=2026, month=3)
    text = flat_text(get(client, officer, f"/reports/reviews/{campaign.pk}.pdf").content)
    assert "Đợt rà soát trống" in text and "Danh sách trống" in text and "Tổng cộng: 0 hộ" in text
    listing = _workbook(get(client, officer, f"/reports/reviews/{campaign.pk}.xlsx")).worksheets[1]
    assert any("Chưa có hộ gia đình" in (row[0] or "") for row in listing.iter_rows(values_only=True))


ALLOWED = {"admin", "ward_leader_hb", "ward_officer_hb", "upper_level"}


@pytest.mark.parametrize("extension", ["pdf", "xlsx"])
def test_permissions_across_roles_and_scopes(client, world, campaign, extension, monkeypatch):
    from reports import campaign_results

    monkeypatch.setattr(campaign_results, "render_pdf", lambda *args, **kwargs: b"%PDF-1.7 test")
    url = f"/reports/reviews/{campaign.pk}.{extension}"
    for name, user in _everyone(world).items():
        client.force_login(user)
        response = client.get(url)
        if name in ALLOWED:
            expected = 200
        elif name == "khoi_member_hb_k1":
            expected = 403  # ward-wide, as the ward's list: their khối's papers instead
        else:
            expected = 404  # another ward's officer, the Front's account
        assert response.status_code == expected, (name, response.status_code)
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(world.users["ward_officer_hb"])
    assert client.get(f"/reports/reviews/{campaign.pk + 1000}.{extension}").status_code == 404


@pytest.mark.parametrize("extension", ["pdf", "xlsx"])
def test_queries_do_not_grow_with_the_households(client, world, campaign, officer, extension, monkeypatch):
    from reports import campaign_results

    monkeypatch.setattr(campaign_results, "render_pdf", lambda *args, **kwargs: b"%PDF-1.7 test")
    client.force_login(officer)
    url = f"/reports/reviews/{campaign.pk}.{extension}"
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    for i in range(5):
        household = HouseholdFactory(khoi=world.hb_k2, code=f"K2-9{i}", status="poor")
        Review.objects.create(campaign=campaign, household=household, khoi=world.hb_k2, from_status="poor")
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(after) == len(before)


def test_a_long_campaign_is_a_job(client, world, campaign, officer, settings, django_capture_on_commit_callbacks):
    from rest_framework.authtoken.models import Token

    from reports.models import Job

    settings.REPORT_JOB_THRESHOLD = 2
    token = Token.objects.create(user=officer)
    for extension, check in (("pdf", lambda c: c.startswith(b"%PDF")), ("xlsx", lambda c: c.startswith(b"PK"))):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(
                f"/reports/reviews/{campaign.pk}.{extension}", HTTP_AUTHORIZATION=f"Token {token.key}"
            )
        assert response.status_code == 202, extension
        job = Job.objects.get(pk=response.json()["id"])
        assert job.state == Job.State.DONE, job.message
        download = client.get(
            response.json()["status_url"].replace("status/", "download/"), HTTP_AUTHORIZATION=f"Token {token.key}"
        )
        assert check(b"".join(download.streaming_content)), extension
    client.force_login(officer)
    response = client.get(f"/reports/reviews/{campaign.pk}.xlsx")
    assert response.status_code == 302 and "/reports/jobs/" in response["Location"]
