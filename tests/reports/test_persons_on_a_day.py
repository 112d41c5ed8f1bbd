"""Who is a person of a household on a past day, the same in every report (docs/reports.md, "Persons on a day";
docs/member-removal.md): its members now and those who left it after that day, never one removed as entered by
mistake. The review-result tables (official, movements' two days, target groups, children), the detailed lists
and `persons_on` count the same persons, on SQLite and PostgreSQL; the page and the workbook read them back."""

import re
from collections import Counter
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from households.models import Household, Member
from households.selectors import persons_on, status_on
from reports.analysis import analysis_tables, upper_units, ward_units
from reports.detailed_lists import ward_detailed_lists
from reports.periods import parse_period
from reports.result_documents import ward_results_report
from reports.results import class_counts, period_counts, upper_results, ward_results
from reports.tables import data_start_row

from ..factories import HouseholdFactory, MemberFactory

pytestmark = pytest.mark.django_db

H1, YEAR = parse_period("2025-H1"), parse_period("2025")  # the removals fall between their ends
LEFT_ON = date(2025, 9, 1)


def _leave(member, reason):
    from households.services import member_delete
    from hungbinh.accounts.models import User

    return member_delete(by=User.objects.get(username="admin"), member=member, reason=reason, left_on=LEFT_ON)


@pytest.fixture
def removals(world):
    """Khối 1: a poor household of 4 now 2 (a child who moved away, a child entered by mistake, both on
    1/9/2025, both a disabled girl of the Thái); khối 2: a near-poor household of 2 now 1 (a mistaken entry);
    Quang Trung: a poor household of 2 now 1 (a death)."""
    poor = HouseholdFactory(khoi=world.hb_k1, status="poor", status_since=date(2024, 1, 15))
    MemberFactory(household=poor, gender="female", birth_date=date(1970, 3, 2))
    MemberFactory(household=poor, gender="female", birth_date=date(2015, 5, 1), ethnicity="Thái", is_disabled=True)
    girl = {"gender": "female", "ethnicity": "Thái", "is_disabled": True, "relation": "Con"}
    moved = MemberFactory(household=poor, birth_date=date(2014, 2, 1), **girl)
    mistaken = MemberFactory(household=poor, birth_date=date(2016, 2, 1), **girl)
    near = HouseholdFactory(khoi=world.hb_k2, status="near_poor", status_since=date(2024, 1, 15))
    MemberFactory(household=near, gender="male", birth_date=date(1980, 1, 1))
    near_mistaken = MemberFactory(household=near, gender="female", birth_date=date(2012, 1, 1))
    qt = HouseholdFactory(khoi=world.qt_k1, status="poor", status_since=date(2024, 1, 15))
    MemberFactory(household=qt, gender="male", birth_date=date(1960, 1, 1))
    died = MemberFactory(household=qt, gender="male", birth_date=date(1940, 1, 1))
    _leave(moved, "moved_away")
    _leave(mistaken, "entered_by_mistake")
    _leave(near_mistaken, "entered_by_mistake")
    _leave(died, "died")
    world.poor, world.near, world.qt = poor, near, qt
    return world


def _persons_on(households, day, unit: str) -> dict:
    """{(unit id, class): persons} summed from persons_on, household by household."""
    counted = Counter()
    rows = households.annotate(then=status_on(day), n=persons_on(day)).values_list(unit, "then", "n")
    for unit_id, status, n in rows:
        if status in ("poor", "near_poor", "average"):
            counted[(unit_id, status)] += n
    return dict(counted)


def test_persons_on_leaves_out_a_mistaken_entry_on_every_day(removals):
    def persons(day):
        return dict(Household.objects.annotate(n=persons_on(day)).values_list("pk", "n"))

    assert persons(H1.end) == {removals.poor.pk: 3, removals.near.pk: 1, removals.qt.pk: 2}
    assert persons(YEAR.end) == {removals.poor.pk: 2, removals.near.pk: 1, removals.qt.pk: 1}


@pytest.mark.parametrize("period", [H1, YEAR], ids=["2025-H1", "2025"])
def test_the_tables_count_the_persons_persons_on_counts(removals, period):
    wards = Household.objects.filter(ward__upper_unit=removals.hb.upper_unit)
    for households, unit in ((Household.objects.filter(ward=removals.hb), "khoi_id"), (wards, "ward_id")):
        expected = _persons_on(households, period.end, unit)
        before = _persons_on(households, period.before_start, unit)
        counted = period_counts(households, period, unit)
        assert {key: persons for key, (_n, persons) in counted.end.items()} == expected
        assert {key: persons for key, (_n, persons) in counted.start.items()} == before
        assert {key: persons for key, (_n, persons) in class_counts(households, period.end, unit).items()} == expected
    official = {row.label: row.persons for row in ward_results(removals.hb, period).rows}
    assert official["Khối 1"]["poor"] == expected_poor(period) and official["Khối 2"]["near_poor"] == 1
    upper = {row.label: row.persons for row in upper_results(removals.hb.upper_unit, period).rows}
    assert upper["Quang Trung"]["poor"] == (2 if period is H1 else 1)


def expected_poor(period) -> int:
    return 3 if period is H1 else 2  # the child who moved away counts on 30/06, the mistaken entry never


@pytest.mark.parametrize("period", [H1, YEAR], ids=["2025-H1", "2025"])
def test_target_groups_count_the_persons_of_that_day(removals, period):
    """Persons, children under 16, disabled, women and ethnic-minority persons: the persons of that day, with
    what the removal and the member's history kept of those who left after it."""
    table = analysis_tables(ward_units(removals.hb), period)[0]
    rows = {row.label: row.values[6:] for row in table.rows}
    # persons, children, disabled, women, minority
    assert rows["Khối 1"] == ([3, 2, 2, 3, 2] if period is H1 else [2, 1, 1, 2, 1])
    assert rows["Khối 2"] == [1, 0, 0, 0, 0]  # the mistaken girl is not a child, a woman nor a person
    expected = _persons_on(Household.objects.filter(ward=removals.hb), period.end, "khoi_id")
    for khoi, label in ((removals.hb_k1, "Khối 1"), (removals.hb_k2, "Khối 2")):
        assert rows[label][0] == sum(
            n for (unit, status), n in expected.items() if unit == khoi.pk and status != "average"
        )
    upper = analysis_tables(upper_units(removals.hb.upper_unit), period)[0]
    assert {row.label: row.values[6] for row in upper.rows}["Quang Trung"] == (2 if period is H1 else 1)
    lists = ward_detailed_lists(removals.hb, period).tables
    assert (
        sum(row.values[5] for table in lists for row in table.rows if row.is_total and row.label != "Tổng cộng")
        == (rows["Tổng cộng"][0])
    )


def test_a_mistaken_entry_is_not_listed_on_earlier_days(removals):
    lists = ward_detailed_lists(removals.hb, H1).tables
    names = [row.label for table in lists for row in table.rows if row.is_sub]
    moved, mistaken = removals.poor.member_removals.order_by("pk")
    assert any(name.startswith(f"{moved.full_name} (") for name in names)
    assert not any(mistaken.full_name in name for name in names)
    assert not any(removals.near.member_removals.get().full_name in name for name in names)


def test_the_childrens_deprivations_count_the_children_of_that_day(removals):
    from reviews.models import Campaign, Decision, Review, Standard

    campaign = Campaign.objects.create(
        ward=removals.hb, kind="periodic", year=2024, starts_on=date(2024, 9, 1), ends_on=date(2024, 12, 14),
        standard=Standard.objects.get(code="nd-07-2021"),
    )  # fmt: skip
    decision = Decision.objects.create(
        ward=removals.hb, campaign=campaign, number="5/QĐ-UBND", signed_on=date(2024, 12, 20)
    )
    for household, status in ((removals.poor, "poor"), (removals.near, "near_poor")):
        Review.objects.create(
            campaign=campaign, household=household, khoi=household.khoi, state="recognised", decision=decision,
            proposed_status=status, deprivations=["viec_lam"], causes=[],
        )  # fmt: skip
    for period, children in ((H1, 2), (YEAR, 1)):
        tables = {t.key: t for t in analysis_tables(ward_units(removals.hb), period)}
        rows = {row.label: row.values for row in tables["thieu-hut-tre-em"].rows}
        # children, of them poor, indicator 1 (việc làm): the girl who moved away on 30/06 only, never the
        # mistaken ones (khối 2's girl would be 13)
        assert rows["Khối 1"][:3] == [children, children, children], period.key
        assert rows["Khối 2"][:3] == [0, 0, 0], period.key
        targets = {row.label: row.values for row in tables["doi-tuong"].rows}
        assert targets["Khối 1"][7] == children  # the target groups' children of the same households


def test_the_page_and_the_workbook_read_the_same_persons(client, removals):
    report = ward_results_report(removals.hb, H1)
    tables = {t.key: t for t in report.tables}
    targets = {row.label: row.values for row in tables["doi-tuong"].rows}
    assert targets["Khối 1"][6:] == [3, 2, 2, 3, 2]
    client.force_login(removals.users["ward_officer_hb"])
    response = client.get(f"/reports/results/ward/{removals.hb.pk}/2025-H1.xlsx")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content)))["doi-tuong"]
    cells = {r[1]: list(r[2:]) for r in sheet.iter_rows(min_row=data_start_row(sheet), values_only=True) if r[1]}
    assert cells["Khối 1"] == targets["Khối 1"]
    official = {row.label: row.values for row in tables["ket-qua"].rows}
    assert official["Khối 1"][8] == 3  # column 9: persons of poor households
    page = client.get(f"/reports/results/ward/{removals.hb.pk}/2025-H1/").content.decode()
    table = page[page.index('id="table-doi-tuong"') :]
    row = table[table.index('<th scope="row">Khối 1</th>') : table.index("</tr>", table.index("Khối 1"))]
    assert re.findall(r'<td class="right">([^<]*)</td>', row)[6:] == ["3", "2", "2", "3", "2"]


def test_the_registry_keeps_the_removed_members_values_the_tables_read(removals):
    """The removed girl's disability and ethnicity are read from her deletion record, as the history keeps them."""
    moved = removals.poor.member_removals.filter(reason="moved_away").get()
    record = Member.history.filter(id=moved.member_id, history_type="-").get()
    assert (record.is_disabled, record.ethnicity) == (True, "Thái")


def test_a_mistaken_entry_is_no_decrease_in_the_movements(removals):
    """Over the half-year of the removals (docs/member-removal.md): the move is an "other" decrease (column 4) in
    persons, the mistaken entries none: they were not persons at its start either."""
    from reports import rules
    from reports.results import movement_counts

    counts = movement_counts(Household.objects.filter(ward=removals.hb), parse_period("2025-H2"), "khoi_id")
    poor, near = counts[("poor", removals.hb_k1.pk)], counts[("near_poor", removals.hb_k2.pk)]
    assert (poor.persons[rules.START], poor.persons.get(rules.OTHER_DECREASE), poor.persons[rules.END]) == (3, 1, 2)
    assert (near.persons[rules.START], near.persons.get(rules.OTHER_DECREASE, 0), near.persons[rules.END]) == (1, 0, 1)
