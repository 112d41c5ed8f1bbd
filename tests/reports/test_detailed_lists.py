"""The detailed lists of poor and near-poor households with their members (/reports/lists/…): per khối for a
ward, per ward and khối for the upper level; read back from the page, the PDF and the workbook and compared
with the registry and the API; roles, scope, bad periods, queries, the job for a large unit."""

import re
from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from households.models import Household, Member, PersonalDataAccess, StatusChange
from reports.detailed_lists import upper_detailed_lists, ward_detailed_lists
from reports.periods import parse_period
from reports.tables import data_start_row

from ..factories import HouseholdFactory, KhoiFactory, MemberFactory, WardFactory
from .pdftools import A4_LANDSCAPE, flat_text, layout_row, page_sizes, pdf_text, word_boxes
from .unit_reports import (
    UNIT_ACCESS,
    assert_token_works_and_anonymous_goes_to_login,
    assert_unit_access,
    bad_period_texts,
    consolidated_job,
    consolidated_job_workbook,
)

pytestmark = pytest.mark.django_db


def household(khoi, status, members, since=date(2024, 1, 15), **kwargs):
    h = HouseholdFactory(khoi=khoi, status=status, status_since=since, **kwargs)
    for n in range(members):
        MemberFactory(household=h, relation="Chủ hộ" if n == 0 else "Con", birth_date=date(1970 + n * 20, 5, 1))
    return h


@pytest.fixture
def registry(world):
    """Hưng Bình: khối 1 has 2 poor (2 and 3 persons), 1 near-poor (1), 1 average; khối 2 has 1 poor (4).
    One near-poor household of khối 2 was poor until 1 August 2025. Quang Trung: 1 poor (1 person)."""
    k1, k2 = world.hb_k1, world.hb_k2
    household(k1, "poor", 2, head_name="Trần Văn An")
    household(k1, "poor", 3, head_name="Lê Thị Bình")
    household(k1, "near_poor", 1, head_name="Phạm Văn Cường")
    household(k1, "average", 2)
    household(k2, "poor", 4, head_name="Hoàng Văn Dũng")
    moved = household(k2, "near_poor", 2, since=date(2025, 8, 1), head_name="Đỗ Thị Én")
    StatusChange.objects.create(household=moved, to_status="poor", effective_on=date(2020, 3, 1), reason="registration")
    StatusChange.objects.create(
        household=moved, from_status="poor", to_status="near_poor", effective_on=date(2025, 8, 1),
        reason="decision", decision_number="12/QĐ-UBND",
    )  # fmt: skip
    household(world.qt_k1, "poor", 1, head_name="Vũ Văn Giang")
    return world


def leave(household, left_on, reason="died"):
    """Its last member born by `left_on` leaves it that day, as the member's page records it
    (docs/member-removal.md)."""
    from households.services import member_delete
    from hungbinh.accounts.models import User

    member = household.members.filter(birth_date__lte=left_on).order_by("-position", "-pk").first()
    return member_delete(by=User.objects.get(username="admin"), member=member, reason=reason, left_on=left_on)


def _rows(table):
    return {row.label: row.values for row in table.rows}


def _sheet_rows(sheet):
    """A list's sheet, row by row, keyed by the name or label in its second column."""
    return {r[1]: r for r in sheet.iter_rows(min_row=data_start_row(sheet), values_only=True) if r[1]}


def test_a_ward_lists_each_class_per_khoi_with_the_members(registry):
    poor, near = ward_detailed_lists(registry.hb, parse_period("2025")).tables
    assert [r.label for r in poor.rows if r.is_total] == ["Khối 1", "Khối 2", "Tổng cộng"]
    rows = _rows(poor)
    assert rows["Khối 1"][4:] == [2, 5] and rows["Khối 2"][4:] == [1, 4]
    assert rows["Tổng cộng"][4:] == [3, 9]
    # The household's line, then its members (relation, year of birth, gender).
    an = [r for r in poor.rows if r.label == "Trần Văn An"][0]
    assert an.values[1:] == [None, None, None, 1, 2]
    first = poor.rows[poor.rows.index(an) + 1]
    assert (first.is_sub, first.values[1:4]) == (True, ["Chủ hộ", "1970", "Nữ"])
    # The household that left poverty on 1 August is near-poor at the year's end, poor at the half-year's.
    assert _rows(near)["Tổng cộng"][4:] == [2, 3]
    assert "Đỗ Thị Én" in _rows(near)
    h1_poor = ward_detailed_lists(registry.hb, parse_period("2025-H1")).tables[0]
    assert _rows(h1_poor)["Khối 2"][4:] == [2, 6]


def test_the_lists_equal_the_registry_and_the_api(registry, api_client):
    api_client.force_authenticate(registry.users["ward_officer_hb"])
    poor, near = ward_detailed_lists(registry.hb, parse_period("2025")).tables
    for table, status in ((poor, "poor"), (near, "near_poor")):
        codes = [r.values[0] for r in table.rows if not r.is_total and not r.is_sub]
        listed = api_client.get("/api/v1/households/", {"ward": registry.hb.pk, "status": status}).json()
        assert sorted(codes) == sorted(h["code"] for h in listed["results"])
        persons = Member.objects.filter(household__ward=registry.hb, household__status=status).count()
        assert _rows(table)["Tổng cộng"][4:] == [listed["count"], persons]


def test_those_who_left_after_the_day_are_listed_as_the_tables_count_them(client, registry):
    """A past period's list shows the household's persons on its last day as far as the registry knows: its
    members now and those who left after that day, marked with the day they left; one who left on or before it
    is not there. Its persons equal the review-result tables' (`persons_on`), on the page and in the PDF."""
    from reports.results import period_counts

    binh = Household.objects.get(head_name="Lê Thị Bình")  # poor, 3 persons, khối 1
    early = leave(binh, date(2025, 3, 1), reason="moved_away")
    late = leave(binh, date(2026, 2, 10))
    poor = ward_detailed_lists(registry.hb, parse_period("2025")).tables[0]
    rows = _rows(poor)
    assert rows["Lê Thị Bình"][4:] == [1, 2] and rows["Khối 1"][4:] == [2, 4]
    names = [r.label for r in poor.rows if r.is_sub]
    assert f"{late.full_name} (rời hộ ngày\u00a010/02/2026)" in names
    assert not any(early.full_name in name for name in names)
    # Its line stands last among the household's persons, with what the removal kept of the person.
    line = next(r for r in poor.rows if r.label.startswith(late.full_name))
    assert line.values[1:3] == [late.relation, str(late.birth_date.year)] == ["Con", "1990"]
    # Before 1 March both had the household: the 2024 list shows them both.
    listed_2024 = [r.label for r in ward_detailed_lists(registry.hb, parse_period("2024")).tables[0].rows]
    assert sum(early.full_name in label or late.full_name in label for label in listed_2024) == 2
    # The tables count the same persons on each day.
    for key in ("2024", "2025", "2025-H1"):
        period = parse_period(key)
        counted = period_counts(Household.objects.filter(ward=registry.hb), period, "ward_id").end
        lists = ward_detailed_lists(registry.hb, period).tables
        for status, table in zip(("poor", "near_poor"), lists, strict=True):
            assert _rows(table)["Tổng cộng"][4:] == list(counted.get((registry.hb.pk, status), (0, 0))), key
    # The page and the PDF read the same.
    client.force_login(registry.users["ward_officer_hb"])
    page = client.get(f"/reports/lists/ward/{registry.hb.pk}/2025/").content.decode()
    assert "3 hộ, 8 nhân khẩu" in page and f"{late.full_name} (rời hộ ngày\u00a010/02/2026)" in page
    pdf = client.get(f"/reports/lists/ward/{registry.hb.pk}/2025.pdf").content
    assert layout_row(pdf, "Khối 1")[-2:] == ["2", "4"]
    assert f"{late.full_name} (rời hộ ngày 10/02/2026)" in " ".join(flat_text(pdf).split())


def test_upper_level_lists_a_group_per_ward_and_khoi(registry):
    poor, near = upper_detailed_lists(registry.hb.upper_unit, parse_period("2025")).tables
    groups = [r.label for r in poor.rows if r.is_total]
    assert groups == ["Hưng Bình – Khối 1", "Hưng Bình – Khối 2", "Quang Trung – Khối 1", "Tổng cộng"]
    assert _rows(poor)["Tổng cộng"][4:] == [4, 10]
    assert "Phường Ngoài" not in " ".join(r.label for r in poor.rows + near.rows)


def test_pdf_is_landscape_and_reads_the_same_numbers(client, registry):
    client.force_login(registry.users["upper_level"])
    response = client.get(f"/reports/lists/ward/{registry.hb.pk}/2025.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert set(page_sizes(pdf)) == {A4_LANDSCAPE}
    assert layout_row(pdf, "Khối 1")[-2:] == ["2", "5"]
    assert layout_row(pdf, "Tổng cộng")[-2:] == ["3", "9"]
    text = flat_text(pdf)
    assert "Danh sách hộ nghèo và thành viên" in text and "Lê Thị Bình" in text
    assert "Vũ Văn Giang" not in text  # Quang Trung's household


def test_pdf_reads_as_a_list_of_names_under_the_upper_units_heading(client, registry):
    """The upper level's list: its unit heads it on two lines, office then locality (as one line it wrapped
    "… VÀ MÔI" / "TRƯỜNG …"); full names stand on one line and the code, relation and gender read from the
    left of their columns (every cell stood right, like a number, under a 30 mm names column)."""
    unit = registry.hb.upper_unit
    unit.name = "Phòng Nông nghiệp và Môi trường thành phố Vinh"
    unit.save()
    head = Household.objects.get(head_name="Lê Thị Bình")
    MemberFactory(household=head, full_name="Nguyễn Thị Ngọc Phương", relation="Con")
    client.force_login(registry.users["upper_level"])
    pdf = client.get(f"/reports/lists/upper/{unit.pk}/2025.pdf").content
    lines = [" ".join(line.split()) for line in pdf_text(pdf, first=1, last=1, layout=True).splitlines()]
    assert lines[0].startswith("PHÒNG NÔNG NGHIỆP VÀ MÔI TRƯỜNG CỘNG HÒA") and lines[1].startswith("THÀNH PHỐ VINH")
    # The place before the date is the unit's locality, as a ward's paper names its ward (it had none).
    assert any(re.search(r"\bVinh, ngày \d\d tháng \d+ năm \d{4}$", line) for line in lines), lines[:6]
    assert any("Họ và tên (chủ hộ, sau đó các thành viên)" in line for line in lines)
    assert any(line.startswith("Nguyễn Thị Ngọc Phương Con") for line in lines)
    words = word_boxes(pdf, 1)

    def left(word):
        return next(w[1] for w in words if w[0] == word)

    code = Household.objects.get(head_name="Lê Thị Bình").code
    assert left(code) < left("Mã")  # the header is centred over its column; the code starts at its left
    assert left("Chủ") < left("Quan")


def test_workbook_has_a_sheet_per_class_and_the_same_numbers(client, registry):
    client.force_login(registry.users["ward_officer_hb"])
    response = client.get(f"/reports/lists/upper/{registry.hb.upper_unit_id}/2025.xlsx")
    assert response.status_code == 403  # ward staff do not see the consolidated lists
    response = client.get(f"/reports/lists/ward/{registry.hb.pk}/2025.xlsx")
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["danh-sach-ho-ngheo", "danh-sach-ho-can-ngheo"]
    sheet = workbook["danh-sach-ho-ngheo"]
    rows = _sheet_rows(sheet)
    assert rows["Tổng cộng"][6:8] == (3, 9)
    assert rows["Khối 2"][6:8] == (1, 4)
    assert rows["Hoàng Văn Dũng"][2] == Household.objects.get(head_name="Hoàng Văn Dũng").code
    # Every showing and export of the lists is logged, without ID numbers.
    access = PersonalDataAccess.objects.filter(path__startswith="/reports/lists/").get()
    assert (access.member_count, access.id_numbers_shown) == (9 + 3, False)


def test_page_shows_one_class_at_a_time_and_links_the_files(client, registry):
    client.force_login(registry.users["ward_officer_hb"])
    url = f"/reports/lists/ward/{registry.hb.pk}/2025/"
    page = client.get(url).content.decode()
    assert 'id="table-danh-sach-ho-ngheo"' in page and 'id="table-danh-sach-ho-can-ngheo"' not in page
    assert f"/reports/lists/ward/{registry.hb.pk}/2025.pdf" in page and "Lê Thị Bình" in page
    assert 'class="table-scroll"' in page
    assert "3 hộ, 9 nhân khẩu" in page  # the class's households and persons
    assert 'href="?status=near_poor"' in page and "Hộ cận nghèo (2)" in page
    # Whose members: those now and those who left after the day; one added since is there too. The page says so.
    assert "thành viên là những người đang có trong sổ và những người đã rời hộ sau ngày đó" in page
    assert "người vào hộ sau ngày đó cũng có trong danh sách" in page
    near = client.get(url, {"status": "near_poor"}).content.decode()
    assert 'id="table-danh-sach-ho-can-ngheo"' in near and "Phạm Văn Cường" in near and "Lê Thị Bình" not in near
    assert 'aria-current="page" data-status="near_poor"' in near


def test_page_shows_fifty_households_a_page_in_constant_queries(client, registry, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(registry.users["ward_officer_hb"])
    url = f"/reports/lists/ward/{registry.hb.pk}/2025/"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(60):
        household(registry.hb_k1 if n % 2 else registry.hb_k2, "poor", 2, head_name=f"Hộ Mẫu {n:02d}")
    with CaptureQueriesContext(connection) as first:
        response = client.get(url)
    table = response.context["report"].table
    households = [r for r in table.rows if r.number]
    assert [r.number for r in households] == [str(n) for n in range(1, 51)]
    assert not any(r.label == "Tổng cộng" for r in table.rows)  # the total closes the last page
    groups = {r.label: r.values[4:] for r in table.rows if r.is_total}
    assert groups == {"Khối 1": [32, 65], "Khối 2": [31, 64]}  # the whole group's, not the page's
    page = response.content.decode()
    assert "1 / 2" in page and 'href="?status=poor&amp;page=2"' in page and "Sau ›" in page
    with CaptureQueriesContext(connection) as second:
        response = client.get(url, {"status": "poor", "page": 2})
    rows = response.context["report"].table.rows
    assert [r.number for r in rows if r.number] == [str(n) for n in range(51, 64)]
    assert rows[-1].label == "Tổng cộng" and rows[-1].values[4:] == [63, 129]
    assert "‹ Trước" in response.content.decode()
    assert len(few.captured_queries) == len(first.captured_queries) == len(second.captured_queries)
    # Every page shows its own households in the personal-data log.
    access = PersonalDataAccess.objects.filter(path__contains="page=2").get()
    assert len(access.household_ids) == 13


def test_page_says_when_a_class_has_no_household(client, registry):
    client.force_login(registry.users["upper_level"])
    page = client.get(f"/reports/lists/ward/{registry.qt.pk}/2025/", {"status": "near_poor"}).content.decode()
    assert 'data-testid="empty"' in page and "Không có hộ nào thuộc loại này vào ngày 31/12/2025" in page
    assert "<table" not in page
    bad = client.get(f"/reports/lists/ward/{registry.qt.pk}/2025/", {"status": "rich", "page": "x"})
    assert bad.status_code == 200 and "Vũ Văn Giang" in bad.content.decode()  # poor, page 1


@pytest.mark.parametrize("period", ["2025-Q5", "2025-H3", "x"])
def test_a_bad_period_is_a_clear_400(client, registry, period):
    for text in bad_period_texts(client, registry, "lists", period):
        assert "hãy viết" in text.lower()  # says what to write


@pytest.mark.parametrize(("user", "level", "unit", "status"), UNIT_ACCESS)
def test_who_may_open_which_list(client, registry, user, level, unit, status):
    assert_unit_access(client, registry, "lists", user, level, unit, status)


def test_the_api_token_works_and_anonymous_goes_to_login(client, registry):
    url = f"/reports/lists/upper/{registry.hb.upper_unit_id}/2025.pdf"
    assert_token_works_and_anonymous_goes_to_login(client, registry, url)


def test_queries_do_not_grow_with_the_households(registry, django_assert_max_num_queries):
    for _n in range(5):
        household(registry.hb_k2, "poor", 3)
        household(registry.qt_k1, "near_poor", 2)
    for h in Household.objects.filter(status="poor", ward=registry.hb):
        leave(h, date(2026, 2, 1))
    # khối list, households, their members, those who left them after the day (+ the wards upstairs)
    with django_assert_max_num_queries(5):
        lists = ward_detailed_lists(registry.hb, parse_period("2025"))
    assert _rows(lists.tables[0])["Tổng cộng"][4:] == [8, 24]  # 8 households, each a person fewer, each listed
    with django_assert_max_num_queries(5):
        upper_detailed_lists(registry.hb.upper_unit, parse_period("2025"))


# The page's queries: session and user; the ward and its khối, or the unit and its wards; the count of either class;
# the page of households of the class shown (with their khối and ward); their members; those who left them after
# the day; the personal-data access log.
PAGE_QUERIES = {"ward": 9, "upper": 9}


def _page(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode().count('<td class="center">')  # a line per group, household, member


@pytest.mark.parametrize("level", ["ward", "upper"])
def test_the_page_takes_the_same_queries_when_the_rows_double(client, registry, level, django_assert_max_num_queries):
    unit = registry.hb.pk if level == "ward" else registry.hb.upper_unit_id
    url = f"/reports/lists/{level}/{unit}/2025/"
    client.force_login(registry.users["upper_level"])
    few, rows_few = _page(client, url)
    # As many households again in the khối that have some, and in a new khối and a new ward of the same unit.
    for h in Household.objects.filter(status__in=("poor", "near_poor"), ward__upper_unit=registry.hb.upper_unit):
        household(h.khoi, h.status, h.members.count())
    khoi_3 = KhoiFactory(ward=registry.hb, name="Khối 3", position=3)
    new_ward_khoi = KhoiFactory(ward=WardFactory(name="Bến Thủy", upper_unit=registry.hb.upper_unit))
    for khoi in (khoi_3, new_ward_khoi):
        household(khoi, "poor", 2)
        household(khoi, "near_poor", 3)
    with django_assert_max_num_queries(PAGE_QUERIES[level]):
        many, rows_many = _page(client, url)
    assert rows_many >= 2 * rows_few, (rows_few, rows_many)
    assert many == few


def test_a_large_consolidated_list_runs_as_a_job(client, registry, settings, django_capture_on_commit_callbacks):
    workbook = consolidated_job_workbook(client, registry, settings, django_capture_on_commit_callbacks, "lists")
    sheet = workbook["danh-sach-ho-ngheo"]
    rows = _sheet_rows(sheet)
    assert rows["Tổng cộng"][6:8] == (4, 10)


def test_a_large_consolidated_pdf_runs_as_a_job_and_is_logged(
    client, registry, settings, django_capture_on_commit_callbacks
):
    job, download = consolidated_job(client, registry, settings, django_capture_on_commit_callbacks, "lists", "pdf")
    assert job.kind == "lists_pdf" and download["Content-Type"] == "application/pdf"
    pdf = b"".join(download.streaming_content)
    assert layout_row(pdf, "Tổng cộng")[-2:] == ["4", "10"]
    # The job gave out the lists: logged as the download is, with the job's user and address.
    access = PersonalDataAccess.objects.get(path=job.path)
    assert (access.user, access.member_count, access.id_numbers_shown) == (registry.users["upper_level"], 10 + 3, False)
