"""A campaign's results (/reports/reviews/<campaign id>.pdf and .xlsx): read back and compared with the data."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from reports.review_papers import status_name
from reviews import services
from reviews.models import Review

from ..factories import HouseholdFactory
from .pdftools import A4_LANDSCAPE, flat_text, page_sizes
from .test_review_papers import _everyone, assert_official

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


def test_pdf_counts_and_households(client, world, campaign, decided, households, officer, leader):
    content = get(client, officer, f"/reports/reviews/{campaign.pk}.pdf").content
    assert_official(content)
    assert set(page_sizes(content)) == {A4_LANDSCAPE}
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
    # Signed by the ward's one leader, named (the block had no name).
    assert "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH Hồ Thị Nhàn" in text


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
def test_permissions_across_roles_and_scopes(client, world, campaign, extension, pdf_not_rendered):
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
def test_queries_do_not_grow_with_the_households(client, world, campaign, officer, extension, pdf_not_rendered):
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


# --- One khối's results (?khoi=<id>) ------------------------------------------------------------


def test_one_khois_pdf_and_workbook(client, world, campaign, decided, officer):
    k1 = world.hb_k1
    response = get(client, world.users["khoi_member_hb_k1"], f"/reports/reviews/{campaign.pk}.pdf?khoi={k1.pk}")
    assert response["Content-Disposition"] == f'attachment; filename="ket-qua-ra-soat-dot-{campaign.pk}-khoi-1.pdf"'
    assert_official(response.content)
    text = flat_text(response.content)
    assert "Rà soát định kỳ năm 2025 – Khối 1, phường Hưng Bình" in text
    assert "Khối 1 5 5 2 1 2 2 1 2 0 0" in text and "Tổng cộng 6" not in text
    assert "Tổng cộng 5 5 2 1 2 2 1 2 0 0" in text
    assert "K1-01 Nguyễn Thị Hường" in text and "K2-01" not in text and "Khối 2" not in text
    assert "Tổng cộng: 5 hộ" in text
    # One khối's households follow its one-row table on the first page (they started a page of their own,
    # leaving the first page nearly empty); the ward's still start one after the table of every khối.
    first = flat_text(response.content, first=1, last=1)
    assert "DANH SÁCH HỘ GIA ĐÌNH" in first and "K1-01 Nguyễn Thị Hường" in first
    ward = get(client, officer, f"/reports/reviews/{campaign.pk}.pdf").content
    assert "DANH SÁCH HỘ GIA ĐÌNH" not in flat_text(ward, first=1, last=1)
    response = get(client, officer, f"/reports/reviews/{campaign.pk}.xlsx?khoi={world.hb_k2.pk}")
    assert response["Content-Disposition"] == f'attachment; filename="ket-qua-ra-soat-dot-{campaign.pk}-khoi-2.xlsx"'
    summary, listing = _workbook(response).worksheets
    assert _row(summary, "Khối 2")[2:] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert not any(row[1] == "Khối 1" for row in summary.iter_rows(values_only=True))
    # The campaign's year joined to its "năm" as on paper (the spreadsheet wraps the title the same way).
    assert listing["A1"].value == "DANH SÁCH HỘ GIA ĐÌNH – Rà soát định kỳ năm\u00a02025 – Khối 2, phường Hưng Bình"
    assert [row[2] for row in listing.iter_rows(min_row=3, values_only=True)] == ["K2-01"]


@pytest.mark.parametrize("extension", ["pdf", "xlsx"])
def test_one_khoi_across_roles_and_scopes(client, world, campaign, extension, pdf_not_rendered):
    url = f"/reports/reviews/{campaign.pk}.{extension}?khoi={world.hb_k1.pk}"
    for name, user in _everyone(world).items():
        client.force_login(user)
        expected = 200 if name in ALLOWED | {"khoi_member_hb_k1"} else 404
        assert client.get(url).status_code == expected, name
    member = world.users["khoi_member_hb_k1"]
    get(client, member, f"/reports/reviews/{campaign.pk}.{extension}?khoi={world.hb_k2.pk}", 404)
    get(
        client, world.users["ward_officer_hb"], f"/reports/reviews/{campaign.pk}.{extension}?khoi={world.qt_k1.pk}", 404
    )
    for bad in ("abc", "-1", "9" * 30):
        response = get(client, member, f"/reports/reviews/{campaign.pk}.{extension}?khoi={bad}", 400)
        assert "phải là số (mã id) của một khối" in response.content.decode()


def test_one_khois_long_results_are_a_job(
    client, world, campaign, officer, settings, django_capture_on_commit_callbacks
):
    from reports.models import Job

    settings.REPORT_JOB_THRESHOLD = 2
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/reports/reviews/{campaign.pk}.xlsx?khoi={world.hb_k1.pk}")
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.state == Job.State.DONE, job.message
    assert job.params == {"pk": campaign.pk, "khoi_id": world.hb_k1.pk}
    assert job.filename == f"ket-qua-ra-soat-dot-{campaign.pk}-khoi-1.xlsx"
    # Khối 2 has one review: under the threshold, downloaded at once.
    assert client.get(f"/reports/reviews/{campaign.pk}.xlsx?khoi={world.hb_k2.pk}").status_code == 200


# --- The results page ------------------------------------------------------------------------------


def page_url(campaign, khoi=None):
    return f"/reports/reviews/{campaign.pk}/results/" + (f"?khoi={khoi.pk}" if khoi else "")


def test_page_shows_the_counts_households_and_downloads(client, world, campaign, decided, officer):
    page = get(client, officer, page_url(campaign)).content.decode()
    assert "Kết quả rà soát: Hưng Bình" in page
    assert (
        f'href="/reports/reviews/{campaign.pk}.pdf"' in page and f'href="/reports/reviews/{campaign.pk}.xlsx"' in page
    )
    assert "KẾT QUẢ RÀ SOÁT HỘ NGHÈO, HỘ CẬN NGHÈO" in page and "Khối 2" in page
    assert page.count('data-testid="result-row"') == 6
    assert "K1-01 – Nguyễn Thị Hường" in page and "Hộ nghèo (215/QĐ-UBND)" in page
    assert 'data-testid="empty"' not in page and 'data-testid="khoi-filter"' in page
    one = get(client, officer, page_url(campaign, world.hb_k2)).content.decode()
    assert "Kết quả rà soát: Khối 2" in one and one.count('data-testid="result-row"') == 1
    assert f'href="/reports/reviews/{campaign.pk}.pdf?khoi={world.hb_k2.pk}"' in one
    assert f'href="/reports/reviews/{campaign.pk}.xlsx?khoi={world.hb_k2.pk}"' in one
    # Linked from the campaign's board and from the khối's page.
    board = get(client, officer, reverse("reviews-campaign", args=[campaign.pk])).content.decode()
    assert f'href="/reports/reviews/{campaign.pk}/results/"' in board
    khoi_page = reverse("reviews-khoi", args=[campaign.pk, world.hb_k1.pk])
    khoi_page = get(client, world.users["khoi_member_hb_k1"], khoi_page).content.decode()
    assert f'href="/reports/reviews/{campaign.pk}/results/?khoi={world.hb_k1.pk}"' in khoi_page
    assert f'href="/reports/reviews/{campaign.pk}.pdf?khoi={world.hb_k1.pk}"' in khoi_page


def test_page_across_roles_and_scopes(client, world, campaign):
    for name, user in _everyone(world).items():
        client.force_login(user)
        response = client.get(page_url(campaign))
        if name in ALLOWED:
            assert response.status_code == 200, name
        elif name == "khoi_member_hb_k1":  # taken to their own khối's results
            assert response.status_code == 302 and response["Location"] == page_url(campaign, world.hb_k1)
        else:
            assert response.status_code == 404, name
    member = world.users["khoi_member_hb_k1"]
    page = get(client, member, page_url(campaign, world.hb_k1)).content.decode()
    assert "Kết quả rà soát: Khối 1" in page and 'data-testid="khoi-filter"' not in page
    get(client, member, page_url(campaign, world.hb_k2), 404)
    get(client, world.users["ward_officer_hb"], page_url(campaign, world.qt_k1), 404)
    bad = get(client, member, f"/reports/reviews/{campaign.pk}/results/?khoi=abc", 400).content.decode()
    assert "phải là số (mã id) của một khối" in bad
    client.logout()
    assert client.get(page_url(campaign)).status_code == 302


def test_page_empty_states(client, world, campaign, officer):
    # Listed households, none surveyed yet.
    page = get(client, officer, page_url(campaign)).content.decode()
    assert "Chưa có kết quả: chưa hộ nào trong 6 hộ của danh sách được rà soát." in page
    empty = services.campaign_open(by=officer, ward=world.hb, kind="regular", year=2026, month=3)
    page = get(client, officer, page_url(empty)).content.decode()
    assert "Chưa có kết quả: đợt rà soát này chưa có hộ nào trong danh sách." in page
    assert 'data-testid="result-row"' not in page and f"/reports/reviews/{empty.pk}.pdf" in page


def test_page_queries_do_not_grow_and_the_list_pages(client, world, campaign, officer):
    client.force_login(officer)
    with CaptureQueriesContext(connection) as before:
        assert client.get(page_url(campaign)).status_code == 200
    for i in range(55):
        household = HouseholdFactory(khoi=world.hb_k2, code=f"K2-{i + 10}", status="poor")
        Review.objects.create(campaign=campaign, household=household, khoi=world.hb_k2, from_status="poor")
    with CaptureQueriesContext(connection) as after:
        response = client.get(page_url(campaign))
    assert len(after) == len(before)
    page = response.content.decode()
    assert page.count('data-testid="result-row"') == 50 and "1 / 2" in page
    second = client.get(page_url(campaign, world.hb_k2) + "&page=2").content.decode()
    assert second.count('data-testid="result-row"') == 6 and f"khoi={world.hb_k2.pk}&amp;page=1" in second


def test_a_khoi_with_nothing_yet_gives_documents_and_a_page_that_say_so(client, world, officer):
    """Issue 9's bad input: a filter (here one khối) that matches nothing is a document that says it is empty."""
    campaign = services.campaign_open(by=officer, ward=world.hb, kind="regular", year=2026, month=3)
    query = f"?khoi={world.hb_k1.pk}"
    text = flat_text(get(client, officer, f"/reports/reviews/{campaign.pk}.pdf{query}").content)
    assert "Đợt rà soát trống" in text and "Danh sách trống" in text and "Tổng cộng: 0 hộ" in text
    assert "Khối 1, phường Hưng Bình" in text
    listing = _workbook(get(client, officer, f"/reports/reviews/{campaign.pk}.xlsx{query}")).worksheets[1]
    assert any("Chưa có hộ gia đình" in (row[0] or "") for row in listing.iter_rows(values_only=True))
    page = get(client, world.users["khoi_member_hb_k1"], page_url(campaign, world.hb_k1)).content.decode()
    assert "Chưa có kết quả: đợt rà soát này chưa có hộ nào trong danh sách." in page
