"""The official results table (/reports/results/…): counted from the registry on the period's last day,
read back from the page, the PDF and the workbook and compared with the registry and the API."""

import re
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from households.models import StatusChange
from reports.models import Job, KhoiPopulation
from reports.periods import parse_period
from reports.results import upper_results, ward_results
from reports.tables import data_start_row, number_text

from ..conftest import held_transaction, make_world
from ..factories import HouseholdFactory, KhoiFactory, MemberFactory
from .pdftools import A4_LANDSCAPE, flat_text, layout_row, page_sizes, pdf_text, stub_layout
from .unit_reports import (
    UNIT_ACCESS,
    assert_token_works_and_anonymous_goes_to_login,
    assert_unit_access,
    bad_period_texts,
    consolidated_job,
    consolidated_job_workbook,
)

pytestmark = pytest.mark.django_db


def household(khoi, status, members=2, since=date(2024, 1, 15), **kwargs):
    h = HouseholdFactory(khoi=khoi, status=status, status_since=since, **kwargs)
    for _n in range(members):
        MemberFactory(household=h)
    return h


@pytest.fixture
def registry(world):
    """Hưng Bình: khối 1 has 3 poor (2 persons each), 1 near-poor (3), 1 average (4); khối 2 has 1 poor (5)
    and 1 not poor. One poor household of khối 1 became near-poor on 1 August 2025, one near-poor
    household was registered only on 1 October 2025. Quang Trung: 2 poor (1 person each)."""
    return fill_registry(world)


def fill_registry(world):
    k1, k2 = world.hb_k1, world.hb_k2
    for _n in range(3):
        household(k1, "poor")
    household(k1, "near_poor", members=3)
    household(k1, "average", members=4)
    household(k2, "poor", members=5)
    household(k2, "not_poor", members=1)
    moved = household(k1, "near_poor", members=2, since=date(2025, 8, 1))
    StatusChange.objects.create(household=moved, to_status="poor", effective_on=date(2020, 3, 1), reason="registration")
    StatusChange.objects.create(
        household=moved, from_status="poor", to_status="near_poor", effective_on=date(2025, 8, 1),
        reason="decision", decision_number="12/QĐ-UBND",
    )  # fmt: skip
    household(k1, "near_poor", members=1, since=date(2025, 10, 1))
    for _n in range(2):
        household(world.qt_k1, "poor", members=1)
    KhoiPopulation.objects.create(khoi=k1, year=2025, households=100, persons=400)
    KhoiPopulation.objects.create(khoi=world.qt_k1, year=2025, households=50, persons=150)
    return world


def test_ward_table_counts_on_the_last_day_of_the_period(registry):
    year = ward_results(registry.hb, parse_period("2025"))
    k1, k2 = year.rows
    assert (k1.label, k1.total_households, k1.total_persons) == ("Khối 1", 100, 400)
    # On 31/12/2025: 3 poor; near-poor: the original one, the one escaped in August, the one registered in October.
    assert k1.households == {"poor": 3, "near_poor": 3, "average": 1}
    assert k1.persons == {"poor": 6, "near_poor": 6, "average": 4}
    assert k1.columns[3] == Decimal("3.0") and k1.columns[5] == Decimal("3.0")  # 3/100, 3/100
    assert k1.columns[9] == Decimal("1.5")  # 6 persons / 400
    assert (k2.total_households, k2.households["poor"], k2.persons["poor"]) == (None, 1, 5)
    assert k2.columns[3] is None  # no figure, no rate
    assert year.total.households == {"poor": 4, "near_poor": 3, "average": 1}
    assert year.total.total_households is None
    assert year.missing_population == ["Khối 2"]

    half = ward_results(registry.hb, parse_period("2025-H1"))
    # On 30/06/2025 the August household was still poor and the October one not yet registered.
    assert half.rows[0].households == {"poor": 4, "near_poor": 1, "average": 1}


def test_the_numbers_equal_the_api_when_the_period_ends_after_every_change(registry, api_client):
    api_client.force_authenticate(registry.users["ward_officer_hb"])
    table = ward_results(registry.hb, parse_period("2025"))
    for row, khoi in zip(table.rows, (registry.hb_k1, registry.hb_k2), strict=True):
        for status in ("poor", "near_poor", "average"):
            response = api_client.get("/api/v1/households/", {"khoi": khoi.pk, "status": status})
            assert response.json()["count"] == row.households[status], (khoi, status)


def test_upper_level_table_a_row_per_ward(registry):
    table = upper_results(registry.hb.upper_unit, parse_period("2025"))
    assert [r.label for r in table.rows] == ["Hưng Bình", "Quang Trung"]
    hb, qt = table.rows
    assert hb.households == ward_results(registry.hb, parse_period("2025")).total.households
    assert (qt.total_households, qt.total_persons, qt.households["poor"], qt.persons["poor"]) == (50, 150, 2, 2)
    assert qt.columns[3] == Decimal("4.0")
    assert hb.total_households is None  # khối 2 has no figure
    assert table.missing_population == ["Hưng Bình: Khối 2"]
    assert table.total.households["poor"] == 6


def test_queries_do_not_grow_with_the_households(registry, django_assert_max_num_queries):
    period = parse_period("2025")
    with CaptureQueriesContext(connection) as before:
        ward_results(registry.hb, period)
        upper_results(registry.hb.upper_unit, period)
    for khoi in (registry.hb_k1, registry.hb_k2, KhoiFactory(ward=registry.hb, name="Khối 3", position=3)):
        for _n in range(5):
            household(khoi, "poor")
    with django_assert_max_num_queries(len(before.captured_queries)):
        ward_results(registry.hb, period)
        upper_results(registry.hb.upper_unit, period)


def _consolidated_report_with_charts(unit, period):
    from reports.result_documents import report_charts, upper_results_report

    report = upper_results_report(unit, period)
    return report, report_charts(report)


def test_consolidated_tables_and_charts_count_each_day_once(registry, django_assert_num_queries):
    """The official table, the movements, the target groups, the rates and the trend chart of one report share
    the class counts of a day (each a pass over every household and its history, the costly part on 150,000
    households): the period's end and the day before its start are counted in one pass (`period_counts`), the
    trend's earlier years in one more, and the number of queries does not grow with the wards or the households
    (bench/RESULTS.md, "Reports")."""
    period = parse_period("2025")
    unit = registry.hb.upper_unit
    with CaptureQueriesContext(connection) as queries:
        report, _svgs = _consolidated_report_with_charts(unit, period)
    assert sorted((day, str(kind)) for (_households, day, _group), kind in report.counts) == [
        (date(2021, 12, 31), "totals"),  # the trend's earlier years, households only
        (date(2022, 12, 31), "totals"),
        (date(2023, 12, 31), "totals"),
        (date(2024, 12, 31), "True"),  # the day before the period: the movements' start, the trend
        (date(2025, 12, 31), "True"),  # the period's end: the official table, the movements, the rates, the trend
        (date(2025, 12, 31), "targets"),  # the target groups, from the same pass
    ]
    passes = [q["sql"] for q in queries.captured_queries if "households_statuschange" in q["sql"]]
    # The period's pass, the movements' changes and households without history, the target groups' members,
    # the trend's earlier years.
    assert len(passes) == 5, passes
    # Pinned: a new query here is a new pass over the households of every ward, paid on each report.
    # 17 since the period's two days and the target groups are one pass and the trend's earlier years another
    # (21 before).
    pinned = len(queries.captured_queries)
    assert pinned == 17, [q["sql"][:100] for q in queries.captured_queries]
    for khoi in (registry.hb_k1, registry.hb_k2, registry.qt_k1, KhoiFactory(ward=registry.hb, name="Khối 3")):
        for status in ("poor", "near_poor", "average"):
            household(khoi, status)
    with django_assert_num_queries(pinned):
        _consolidated_report_with_charts(unit, period)


def test_the_pdf_draws_its_trend_from_the_days_its_tables_counted(registry, monkeypatch):
    """render_results_pdf counts only the trend's earlier years, in one query: the period's end and the day
    before its start come from the tables (on 30 wards × 5,000 households each such pass is about a second).
    The charts and the template are made with their queries; WeasyPrint's layout of the HTML, which asks the
    database nothing, is left out."""
    from reports.result_documents import render_results_pdf, upper_results_report

    laid_out = []
    stub_layout(monkeypatch, lambda html: laid_out.append(html) or b"%PDF-1.7")
    period = parse_period("2025")
    report = upper_results_report(registry.hb.upper_unit, period)
    with CaptureQueriesContext(connection) as queries:
        render_results_pdf(report)
    assert len(laid_out) == 1 and "data:image/svg+xml" in laid_out[0]  # the charts, the trend among them
    statuses_on = [q["sql"] for q in queries.captured_queries if "households_statuschange" in q["sql"]]
    assert len(statuses_on) == 1, statuses_on
    for day in ("2021-12-31", "2022-12-31", "2023-12-31"):
        assert day in statuses_on[0]
    for day in ("2024-12-31", "2025-12-31"):
        assert day not in statuses_on[0]


def test_the_trend_counts_in_one_query_what_the_tables_count_on_each_day(registry, django_assert_num_queries):
    """The trend's one query over several days (each change holding until the household's next) counts each day
    as the official table's `class_counts` does (each household's latest change up to the day)."""
    from households.models import Household
    from reports.results import class_counts, class_totals

    # Two changes on one day (the later one counts from that day), a history beginning after status_since.
    same_day = household(registry.qt_k1, "average", since=date(2024, 1, 15))
    for to_status in ("poor", "near_poor", "average"):
        StatusChange.objects.create(household=same_day, to_status=to_status, effective_on=date(2024, 1, 15))
    late = household(registry.hb_k2, "poor", since=date(2019, 1, 1))
    StatusChange.objects.create(household=late, to_status="poor", effective_on=date(2025, 7, 31))
    households = Household.objects.filter(ward__upper_unit=registry.hb.upper_unit)
    days = [
        date(2020, 2, 29),
        date(2020, 3, 1),
        date(2024, 1, 15),
        date(2025, 7, 31),
        date(2025, 8, 1),
        date(2026, 1, 1),
    ]
    with django_assert_num_queries(1):
        totals = class_totals(households, days, "ward_id")
    for day in days:
        expected = {}
        for (_ward, status), (n, _persons) in class_counts(households, day, "ward_id").items():
            expected[status] = expected.get(status, 0) + n
        assert totals[day] == expected, day
    assert totals[date(2025, 8, 1)]["near_poor"] == totals[date(2025, 7, 31)]["near_poor"] + 1  # escaped in August


# --- Downloads --------------------------------------------------------------------


def _cells(sheet):
    start = data_start_row(sheet)
    rows = {}
    for row in sheet.iter_rows(min_row=start, values_only=True):
        if row[1]:
            rows[row[1]] = list(row[2:16])
    return rows


def test_workbook_numbered_columns_and_numbers(client, registry):
    client.force_login(registry.users["ward_officer_hb"])
    response = client.get(f"/reports/results/ward/{registry.hb.pk}/2025.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    numbers_row = data_start_row(sheet) - 1
    headings = [sheet.cell(row=numbers_row, column=c).value for c in range(1, 17)]
    assert headings[:6] == ["A", "B", "1", "2", "3", "4 = 3/1×100"]
    assert headings[-1] == "14 = 13/2×100"
    rows = _cells(sheet)
    table = ward_results(registry.hb, parse_period("2025"))
    for row in table.all_rows:
        expected = [None if v is None else float(v) if isinstance(v, Decimal) else v for v in row.columns]
        assert rows[row.label] == expected, row.label
    notes = [c.value for c in sheet["A"] if isinstance(c.value, str) and "Khối 2" in c.value]
    assert notes, "the workbook names the khối without a population figure"


@pytest.fixture(scope="class")
def ward_pdf(django_db_setup, django_db_blocker):
    """(world, PDF bytes): the ward's PDF of 2025 as its officer downloads it, of the registry and a khối with a
    long name and no population figure; written and rendered once inside a transaction held for the class
    (held_transaction), whose tests each read them in a savepoint of their own."""

    def build():
        world = fill_registry(make_world())
        KhoiFactory(ward=world.hb, name="Tổ dân phố số 10", position=10)
        client = Client()
        client.force_login(world.users["ward_officer_hb"])
        response = client.get(f"/reports/results/ward/{world.hb.pk}/2025.pdf")
        assert response.status_code == 200, response.content[:300]
        assert response["Content-Type"] == "application/pdf"
        return world, response.content

    yield from held_transaction(django_db_blocker, build)


class TestTheWardPdf:
    """The ward's PDF, rendered once for these tests (WeasyPrint's layout was most of each one): `ward_pdf`."""

    def test_pdf_is_landscape_and_reads_the_same_numbers(self, ward_pdf):
        world, content = ward_pdf
        assert set(page_sizes(content)) == {A4_LANDSCAPE}
        text = flat_text(content)
        assert "ỦY BAN NHÂN DÂN PHƯỜNG HƯNG BÌNH" in text
        table = ward_results(world.hb, parse_period("2025"))
        laid_out = pdf_text(content, layout=True)
        for row in table.all_rows:
            expected = [number_text(v) for v in row.columns if v is not None]
            assert layout_row(laid_out, row.label) == expected, row.label
        khoi_1 = "100 400 3 3,0 3 3,0 1 1,0 6 1,5 6 1,5 4 1,0"
        assert layout_row(laid_out, "Khối 1") == khoi_1.split()
        # The note names the khối without a population figure of the year.
        note = text[text.index("Khối 2, Tổ dân phố số 10.") - 200 :]
        assert "2025" in note

    def test_each_row_of_the_pdf_names_its_unit_on_one_line(self, ward_pdf):
        """A row's name stays on one line ("Khối 10: nhân khẩu", a ward's name and ": nhân khẩu" in the
        consolidated tables): wrapped in a 30 mm column it made each row two or three lines tall and the
        consolidated tables of 30 wards 46 pages instead of 27."""
        _world, content = ward_pdf
        # The movements' persons line: the name, then the nine counts on the same line.
        assert len(layout_row(content, "Tổ dân phố số 10: nhân khẩu")) == 9


def test_page_shows_the_table_and_names_the_missing_figure(client, registry):
    client.force_login(registry.users["upper_level"])
    response = client.get(f"/reports/results/ward/{registry.hb.pk}/2025-H1/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Khối 1" in page and "Khối 2" in page and "4 = 3/1×100" in page
    # The missing figure asks the ward to act: a note in the warning ink, unlike the notes on how to read a table.
    attention = re.findall(r'<p class="table-note attention">([^<]*)</p>', page)
    assert len(attention) == 1 and "Khối 2" in attention[0] and "2025" in attention[0]
    assert re.search(r'<p class="table-note">', page), "the other notes stay information"


@pytest.mark.parametrize("period", ["2025-Q5", "2025-H3", "2025-X1", "99"])
def test_a_bad_period_is_a_clear_400(client, registry, period):
    for text in bad_period_texts(client, registry, "results", period):
        assert "hãy viết" in text.lower()  # says what to write, not only the period it was given


@pytest.mark.parametrize(("user", "level", "unit", "status"), UNIT_ACCESS)
def test_who_may_open_which_table(client, registry, user, level, unit, status):
    assert_unit_access(client, registry, "results", user, level, unit, status)


def test_the_api_token_works_and_anonymous_goes_to_login(client, registry):
    url = f"/reports/results/upper/{registry.hb.upper_unit_id}/2025.xlsx"
    assert_token_works_and_anonymous_goes_to_login(client, registry, url)


def test_a_large_consolidated_table_runs_as_a_job(client, registry, settings, django_capture_on_commit_callbacks):
    workbook = consolidated_job_workbook(client, registry, settings, django_capture_on_commit_callbacks, "results")
    rows = _cells(workbook.worksheets[0])
    assert rows["Quang Trung"][:3] == [50, 150, 2]


def test_a_large_consolidated_pdf_runs_as_a_job(client, registry, settings, django_capture_on_commit_callbacks):
    job, download = consolidated_job(client, registry, settings, django_capture_on_commit_callbacks, "results", "pdf")
    assert job.kind == "results_pdf" and download["Content-Type"] == "application/pdf"
    pdf = b"".join(download.streaming_content)
    assert set(page_sizes(pdf)) == {A4_LANDSCAPE}
    assert layout_row(pdf, "Quang Trung")[:3] == ["50", "150", "2"]


def test_a_large_ward_table_runs_as_a_job_too(client, registry, settings, django_capture_on_commit_callbacks):
    """A city-sized ward's tables take seconds: a job, not a web worker held (make loadtest, 100,000 households)."""
    settings.REPORT_TABLE_JOB_THRESHOLD = 3
    client.force_login(registry.users["ward_officer_hb"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/reports/results/ward/{registry.hb.pk}/2025.xlsx")
    assert response.status_code == 302 and "/reports/jobs/" in response["Location"]
    job = Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    assert job.state == Job.State.DONE, job.message
    assert job.params["level"] == "ward"
    download = client.get(f"/reports/jobs/{job.pk}/download/")
    assert download.status_code == 200
    settings.REPORT_TABLE_JOB_THRESHOLD = 20000
    assert client.get(f"/reports/results/ward/{registry.hb.pk}/2025.xlsx").status_code == 200


# Session and user, the ward, its khối, their figures: whatever the number of khối.
POPULATION_PAGE_QUERIES = 5


def test_population_page_takes_the_same_queries_whatever_the_khoi(client, registry, django_assert_num_queries):
    client.force_login(registry.users["ward_officer_hb"])
    url = f"/reports/population/{registry.hb.pk}/2025/"
    with django_assert_num_queries(POPULATION_PAGE_QUERIES):
        assert client.get(url).status_code == 200
    for n in range(3, 8):
        khoi = KhoiFactory(ward=registry.hb, name=f"Khối {n}", position=n)
        KhoiPopulation.objects.create(khoi=khoi, year=2025, households=10 * n, persons=40 * n)
    with django_assert_num_queries(POPULATION_PAGE_QUERIES):
        page = client.get(url).content.decode()
    assert 'value="70"' in page and 'value="280"' in page


def test_population_page_saves_and_refuses_bad_figures(client, registry):
    client.force_login(registry.users["ward_officer_hb"])
    url = f"/reports/population/{registry.hb.pk}/2025/"
    k1, k2 = registry.hb_k1.pk, registry.hb_k2.pk
    response = client.post(url, {f"households_{k1}": "100", f"persons_{k1}": "50", f"households_{k2}": "7"})
    assert response.status_code == 200
    assert "không thể ít hơn số hộ" in response.content.decode()
    assert "Nhập cả số hộ và số nhân khẩu của Khối 2" in response.content.decode()
    assert KhoiPopulation.objects.get(khoi=k1, year=2025).persons == 400  # nothing changed
    response = client.post(
        url, {f"households_{k1}": "120", f"persons_{k1}": "480", f"households_{k2}": "80", f"persons_{k2}": "300"}
    )
    assert response.status_code == 200
    assert KhoiPopulation.objects.get(khoi=k2, year=2025).persons == 300
    assert ward_results(registry.hb, parse_period("2025")).missing_population == []
    client.force_login(registry.users["upper_level"])
    assert client.get(url).status_code == 200
    assert client.post(url, {f"households_{k1}": "1", f"persons_{k1}": "1"}).status_code == 403
    client.force_login(registry.users["ward_officer_qt"])
    assert client.get(url).status_code == 404
