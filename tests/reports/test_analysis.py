"""Target groups and ethnicity (registry), deprivations and causes (recognised reviews), and the charts."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from households.models import Household
from reports.analysis import analysis_tables, review_figures, upper_units, ward_units
from reports.periods import parse_period
from reviews.models import Cause

from ..factories import HouseholdFactory, MemberFactory
from .pdftools import flat_text, layout_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    k1, k2 = world.hb_k1, world.hb_k2
    poor = HouseholdFactory(khoi=k1, status="poor", ethnic_minority=True, has_merit_person=True)
    MemberFactory(household=poor, gender="female", birth_date=date(2015, 5, 1), ethnicity="Thái")
    MemberFactory(household=poor, gender="male", birth_date=date(1980, 1, 1), is_disabled=True, ethnicity="Kinh")
    near = HouseholdFactory(khoi=k1, status="near_poor")
    MemberFactory(household=near, gender="female", birth_date=date(2009, 12, 31))  # 16 on 31/12/2025: not a child
    HouseholdFactory(khoi=k2, status="poor")
    avg = HouseholdFactory(khoi=k2, status="average")
    MemberFactory(household=avg, gender="female", birth_date=date(2020, 1, 1))  # not a target household
    HouseholdFactory(khoi=world.qt_k1, status="near_poor", ethnic_minority=True)
    return world


def test_target_groups_from_the_registry(people):
    table = analysis_tables(ward_units(people.hb), parse_period("2025"))[0]
    rows = {row.label: row.values for row in table.rows}
    #                 poor: n, minority, merit | near: n, minority, merit | persons, children, disabled, women, minority
    assert rows["Khối 1"] == [1, 1, 1, 1, 0, 0, 3, 1, 1, 2, 1]
    assert rows["Khối 2"] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert rows["Tổng cộng"] == [2, 1, 1, 1, 0, 0, 3, 1, 1, 2, 1]
    upper = analysis_tables(upper_units(people.hb.upper_unit), parse_period("2025"))[0]
    rows = {row.label: row.values for row in upper.rows}
    assert rows["Hưng Bình"][:6] == [2, 1, 1, 1, 0, 0]
    assert rows["Quang Trung"][:6] == [0, 0, 0, 1, 1, 0]


def test_households_counted_equal_the_registry(people):
    table = analysis_tables(ward_units(people.hb), parse_period("2025"))[0]
    total = table.rows[-1].values
    assert total[0] == Household.objects.filter(ward=people.hb, status="poor").count()
    assert total[3] == Household.objects.filter(ward=people.hb, status="near_poor").count()


def _recognised(world, household, *, status, deprivations, causes, campaign):
    from reviews.models import Decision, Review

    decision = campaign.decisions.first() or Decision.objects.create(
        ward=world.hb, campaign=campaign, number="5/QĐ-UBND", signed_on=date(2024, 12, 20)
    )
    return Review.objects.create(
        campaign=campaign,
        household=household,
        khoi=household.khoi,
        state="recognised",
        decision=decision,
        proposed_status=status,
        deprivations=deprivations,
        causes=causes,
    )


@pytest.fixture
def reviewed(people):
    from reviews.models import Campaign, Standard

    standard = Standard.objects.get(code="nd-07-2021")
    campaign = Campaign.objects.create(
        ward=people.hb, kind="periodic", year=2024, starts_on=date(2024, 9, 1), ends_on=date(2024, 12, 14),
        standard=standard,
    )  # fmt: skip
    poor, near = people.hb_k1.households.order_by("pk")[:2]
    _recognised(people, poor, status="poor", deprivations=["viec_lam", "bao_hiem_y_te", "nha_tieu"],
                causes=["capital", "illness"], campaign=campaign)  # fmt: skip
    _recognised(people, near, status="near_poor", deprivations=["viec_lam"], causes=["skills"], campaign=campaign)
    return people


def test_deprivations_and_causes_from_the_recognised_reviews(reviewed):
    tables = {t.key: t for t in analysis_tables(ward_units(reviewed.hb), parse_period("2025"))}
    poor = {row.label: row.values for row in tables["thieu-hut-ho-ngheo"].rows}
    # households, total deprivations, then indicators 1 (việc làm) … 12
    assert poor["Khối 1"][:6] == [1, 3, 1, 0, 0, 1]
    assert poor["Khối 1"][2 + 9] == 1  # 10. nhà tiêu
    assert poor["Khối 1: tỷ lệ (%)"][2] == 100
    near = {row.label: row.values for row in tables["thieu-hut-ho-can-ngheo"].rows}
    assert near["Tổng cộng"][:3] == [1, 1, 1]
    causes = {row.label: row.values for row in tables["nguyen-nhan"].rows}
    # households, land, capital, labour, tools, skills, illness, other
    assert causes["Khối 1: hộ nghèo"] == [1, 0, 1, 0, 0, 0, 1, 0]
    assert causes["Khối 1: hộ cận nghèo"] == [1, 0, 0, 0, 0, 1, 0, 0]
    # The 2024 campaign sets 2025: nothing for 2026 yet, and the table says so.
    later = {t.key: t for t in analysis_tables(ward_units(reviewed.hb), parse_period("2026"))}
    assert later["thieu-hut-ho-ngheo"].rows[-2].values[0] == 0
    assert "2026" in later["thieu-hut-ho-ngheo"].notes[0]


def test_deprivations_of_children_count_the_children_of_deprived_households(reviewed):
    from households.models import Member

    tables = {t.key: t for t in analysis_tables(ward_units(reviewed.hb), parse_period("2025"))}
    rows = {row.label: row.values for row in tables["thieu-hut-tre-em"].rows}
    # children, of them poor, then indicators 1 … 12: the poor household's one child (born 2015) lives
    # in a household deprived of 1 (việc làm), 4 (bảo hiểm y tế) and 10 (nhà tiêu); the near-poor
    # household's member turned 16 on 31/12/2025.
    assert rows["Khối 1"] == [1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0]
    assert rows["Khối 1: tỷ lệ (%)"][2] == 100 and rows["Khối 1: tỷ lệ (%)"][3] == 0
    assert rows["Tổng cộng"] == rows["Khối 1"]
    assert rows["Khối 2"][0] == 0
    # The registry agrees: the children under 16 of the reviewed households.
    poor, near = reviewed.hb_k1.households.order_by("pk")[:2]
    born_after = date(2009, 12, 31)
    assert Member.objects.filter(household__in=[poor, near], birth_date__gt=born_after).count() == 1
    # On 30/06/2025 (consolidated) the near-poor household's member is 15, a child still.
    upper = {t.key: t for t in analysis_tables(upper_units(reviewed.hb.upper_unit), parse_period("2025-Q2"))}
    assert {r.label: r.values for r in upper["thieu-hut-tre-em"].rows}["Hưng Bình"][:3] == [2, 1, 2]


def _regular(world, month, *, number, signed_on):
    from reviews.models import Campaign, Decision, Standard

    campaign = Campaign.objects.create(
        ward=world.hb, kind="regular", year=2025, month=month, starts_on=date(2025, month, 15),
        ends_on=date(2025, month, 28), standard=Standard.objects.get(code="nd-07-2021"),
    )  # fmt: skip
    Decision.objects.create(ward=world.hb, campaign=campaign, number=number, signed_on=signed_on)
    return campaign


def test_a_household_reviewed_twice_counts_once_by_its_latest_review(reviewed):
    """Regression: the periodic review of 2024 and a regular review of 2025 both counted the household."""
    from reviews.models import Decision

    poor, near = reviewed.hb_k1.households.order_by("pk")[:2]
    may = _regular(reviewed, 5, number="7/QĐ-UBND", signed_on=date(2025, 5, 30))
    _recognised(reviewed, poor, status="near_poor", deprivations=["nguon_nuoc"], causes=["land"], campaign=may)
    june = _regular(reviewed, 6, number="8/QĐ-UBND", signed_on=date(2025, 6, 30))
    _recognised(reviewed, near, status="average", deprivations=[], causes=[], campaign=june)
    assert Decision.objects.filter(ward=reviewed.hb).count() == 3

    def tables(period):
        return {t.key: t for t in analysis_tables(ward_units(reviewed.hb), parse_period(period))}

    # The first quarter's window holds only the periodic review: as before.
    q1 = tables("2025-Q1")
    assert q1["thieu-hut-ho-ngheo"].rows[-2].values[:3] == [1, 3, 1]
    assert q1["thieu-hut-ho-can-ngheo"].rows[-2].values[:3] == [1, 1, 1]
    # The year: the poor household became near-poor in May (its May deprivations and causes, once), the
    # near-poor one rose above the line in June (counted in neither table).
    year = tables("2025")
    assert year["thieu-hut-ho-ngheo"].rows[-2].values[:2] == [0, 0]
    near_total = year["thieu-hut-ho-can-ngheo"].rows[-2].values
    assert near_total[:3] == [1, 1, 0]  # households, deprivations, việc làm
    assert near_total[2 + 8] == 1  # 9. nguồn nước
    causes = {row.label: row.values for row in year["nguyen-nhan"].rows}
    assert causes["Tổng cộng: hộ nghèo"] == [0] * 8
    assert causes["Tổng cộng: hộ cận nghèo"] == [1, 1, 0, 0, 0, 0, 0, 0]
    # Consolidated: the same households, once.
    upper = {t.key: t for t in analysis_tables(upper_units(reviewed.hb.upper_unit), parse_period("2025"))}
    assert upper["thieu-hut-ho-can-ngheo"].rows[-2].values[:3] == [1, 1, 0]
    assert upper["thieu-hut-ho-ngheo"].rows[-2].values[0] == 0


def test_review_figures_take_two_aggregate_queries_for_any_number_of_reviews(reviewed, django_assert_num_queries):
    units = ward_units(reviewed.hb)
    # The standard, its indicators, the reviews counted per unit and class, their children counted the same way.
    with django_assert_num_queries(4):
        figures = review_figures(units, parse_period("2025"))
    assert figures.reviews == 2
    may = _regular(reviewed, 5, number="7/QĐ-UBND", signed_on=date(2025, 5, 30))
    for household in reviewed.hb_k1.households.all():
        _recognised(reviewed, household, status="poor", deprivations=["viec_lam"], causes=[], campaign=may)
    for household in HouseholdFactory.create_batch(5, khoi=reviewed.hb_k2, status="near_poor"):
        MemberFactory(household=household, birth_date=date(2018, 3, 1))
        _recognised(reviewed, household, status="near_poor", deprivations=["nha_tieu"], causes=["land"], campaign=may)
    with django_assert_num_queries(4) as queries:  # reviewed twice, more households: the same queries
        figures = review_figures(units, parse_period("2025"))
    assert figures.reviews == reviewed.hb_k1.households.count() + 5
    assert figures.children[("near_poor", reviewed.hb_k2.pk)] == 5
    # Aggregates: one row per unit and class, not one per review or household.
    assert all("GROUP BY" in query["sql"] for query in queries.captured_queries[2:])


def test_files_carry_every_table_and_the_charts(client, reviewed):
    client.force_login(reviewed.users["upper_level"])
    url = f"/reports/results/ward/{reviewed.hb.pk}/2025"
    workbook = load_workbook(BytesIO(b"".join(client.get(url + ".xlsx").streaming_content)))
    assert workbook.sheetnames == [
        "ket-qua", "dien-bien-ho-ngheo", "dien-bien-ho-can-ngheo", "doi-tuong",
        "thieu-hut-ho-ngheo", "thieu-hut-ho-can-ngheo", "thieu-hut-tre-em", "nguyen-nhan",
    ]  # fmt: skip
    pdf = client.get(url + ".pdf").content
    assert layout_row(pdf, "Khối 1: hộ nghèo") == ["1", "0", "1", "0", "0", "0", "1", "0"]
    text = flat_text(pdf)
    assert "Tỷ lệ hộ nghèo, hộ cận nghèo qua các năm" in text  # the trend chart's title, drawn in the PDF
    page = client.get(url + "/").content.decode()
    assert f"{url}/rates.svg" in page and f"{url}/trend.svg" in page
    svg = client.get(url + "/rates.svg")
    assert svg.status_code == 200 and svg["Content-Type"].startswith("image/svg+xml")
    body = svg.content.decode()
    assert "Khối 1" in body and "<script" not in body and "Tỷ lệ hộ nghèo (%)" in body
    assert client.get(url + "/nothing.svg").status_code == 404
    client.force_login(reviewed.users["ward_officer_qt"])
    assert client.get(url + "/rates.svg").status_code == 404


# --- The counting in the database equals the counting in Python it replaced --------------------------


def _python_review_figures(units, period):
    """The deprivation and cause figures as reports.analysis counted them in Python until they were counted in
    the database (kept here as the reference): every latest review read back, its lists counted here."""
    from collections import Counter

    from django.db.models import OuterRef, Q, Subquery

    from households.models import Member, MemberRemoval
    from households.rules import CHILD_AGE_LIMIT, add_months
    from reports.analysis import CLASSES, ReviewFigures
    from reviews.models import CampaignKind, Review, ReviewState, Standard

    standard = Standard.objects.filter(year_from__lte=period.year, year_to__gte=period.year).first()
    if standard is None:
        return None
    figures = ReviewFigures([(i.code, i.name) for i in standard.indicators.all()], standard.name)
    review_unit = "khoi_id" if units.level == "ward" else "campaign__ward_id"
    unit_ids = [pk for pk, _n, _name in units.rows]
    in_window = Review.objects.filter(state=ReviewState.RECOGNISED).filter(
        Q(campaign__kind=CampaignKind.PERIODIC, campaign__year=period.year - 1)
        | Q(campaign__kind=CampaignKind.REGULAR, campaign__year=period.year, campaign__month__lte=period.last_month)
    )
    latest = (
        in_window.filter(household=OuterRef("household"))
        .order_by("-decision__signed_on", "-decision_id", "-id")
        .values("id")[:1]
    )
    reviews = in_window.filter(id=Subquery(latest), **{f"{review_unit}__in": unit_ids})
    day = period.end
    # The household's persons on the day (docs/reports.md): its members now, those who left after the day but
    # not a mistaken entry, counted person by person here.
    children = Counter()
    born_after = add_months(day, -12 * CHILD_AGE_LIMIT)
    reviewed = set(reviews.values_list("household_id", flat=True))
    removals = MemberRemoval.objects.filter(left_on__gt=day).exclude(reason="entered_by_mistake")
    for person in [*Member.objects.filter(household_id__in=reviewed), *removals.filter(household_id__in=reviewed)]:
        if person.birth_date and born_after < person.birth_date <= day:
            children[person.household_id] += 1
    for household_id, unit_id, status, deprivations, causes in reviews.values_list(
        "household_id", review_unit, "proposed_status", "deprivations", "causes"
    ):
        figures.reviews += 1
        if status not in CLASSES:
            continue
        key = (status, unit_id)
        deprived = set(deprivations or [])
        figures.households[key] += 1
        figures.deprivations.setdefault(key, Counter()).update(deprived)
        figures.causes.setdefault(key, Counter()).update(set(causes or []))
        n = children.get(household_id, 0)
        figures.children[key] += n
        figures.children_deprived.setdefault(key, Counter()).update(dict.fromkeys(deprived, n))
    return figures


def _comparable(figures):
    """The figures the tables read (the standard's indicators, the listed causes), without zero counts."""
    from reviews.models import Cause

    codes = [code for code, _name in figures.indicators]

    def counts(per_key, wanted):
        result = {key: {c: n for c, n in counter.items() if c in wanted and n} for key, counter in per_key.items()}
        return {key: value for key, value in result.items() if value}

    return {
        "reviews": figures.reviews,
        "households": {k: n for k, n in figures.households.items() if n},
        "deprivations": counts(figures.deprivations, codes),
        "causes": counts(figures.causes, Cause.values),
        "children": {k: n for k, n in figures.children.items() if n},
        "children_deprived": counts(figures.children_deprived, codes),
    }


@pytest.fixture
def varied_reviews(world):
    """Reviews of every kind over both wards of the unit: periodic ones of two years, regular ones of several
    months, decisions signed on the same day, reviews not recognised, a review naming another khối than the
    household's, lists with repeated and unknown items, classes out of both tables, children on both sides of 16."""
    import random

    from reviews.models import Campaign, Cause, Decision, Review, Standard

    rng = random.Random(20261128)
    standard = Standard.objects.get(code="nd-07-2021")
    codes = list(standard.indicators.values_list("code", flat=True))
    khois = {world.hb.pk: [world.hb_k1, world.hb_k2], world.qt.pk: [world.qt_k1]}
    households = []
    for n in range(36):
        ward = world.hb if n % 3 else world.qt
        household = HouseholdFactory(khoi=rng.choice(khois[ward.pk]), status=rng.choice(["poor", "near_poor"]))
        for _m in range(rng.randint(0, 4)):
            born = date(rng.choice([2009, 2010, 2015, 2020, 2025, 1980]), rng.choice([1, 6, 12]), rng.choice([1, 30]))
            MemberFactory(household=household, birth_date=born)
        households.append(household)
    # Members who left during 2025, on the pages' record (docs/member-removal.md): a death or a move counts on
    # the days before it, a mistaken entry on none.
    from households.services import member_delete

    admin = world.users["admin"]
    for household in households:
        for member in household.members.order_by("pk")[: rng.randint(0, 2)]:
            reason = rng.choice(["died", "moved_away", "entered_by_mistake"])
            left_on = max(date(2025, rng.choice([2, 5, 9, 12]), 15), member.birth_date)
            member_delete(by=admin, member=member, reason=reason, left_on=left_on)
    number = iter(range(1, 100))
    campaigns = []
    for ward in (world.hb, world.qt):
        specs = [("periodic", 2023, None), ("periodic", 2024, None)]
        specs += [("regular", 2025, month) for month in ((2, 5, 8, 11) if ward == world.hb else (3, 7))]
        for kind, year, month in specs:
            campaign = Campaign.objects.create(
                ward=ward, kind=kind, year=year, month=month, standard=standard,
                starts_on=date(year, month or 9, 1), ends_on=date(year, month or 12, 14),
            )  # fmt: skip
            # Two decisions of some campaigns, signed on the same day as another campaign's.
            signed = date(year, 12, 20) if kind == "periodic" else date(year, month, 28)
            decisions = [
                Decision.objects.create(ward=ward, campaign=campaign, number=f"{next(number)}/QĐ-UBND", signed_on=day)
                for day in ([signed, date(2025, 5, 28)] if month == 2 else [signed])
            ]
            campaigns.append((campaign, decisions))
    for campaign, decisions in campaigns:
        for household in households:
            if household.ward_id != campaign.ward_id or rng.random() < 0.35:
                continue
            recognised = rng.random() < 0.85
            Review.objects.create(
                campaign=campaign,
                household=household,
                khoi=rng.choice(khois[household.ward_id]) if rng.random() < 0.2 else household.khoi,
                state="recognised" if recognised else "posted",
                decision=rng.choice(decisions) if recognised else None,
                proposed_status=rng.choice(["poor", "poor", "near_poor", "near_poor", "average", ""]),
                deprivations=rng.sample(codes, k=rng.randint(0, 6)) + rng.choice([[], [codes[0]], ["khong_ro"]]),
                causes=rng.sample(Cause.values, k=rng.randint(0, 3)) + rng.choice([[], ["land"], ["not_a_cause"]]),
            )
    return world


PERIODS = ("2024", "2025", "2025-Q1", "2025-H1", "2025-Q2", "2025-Q3", "2025-H2", "2026")


def test_counting_in_the_database_equals_the_counting_in_python(varied_reviews):
    world = varied_reviews
    checked = 0
    for units in (ward_units(world.hb), ward_units(world.qt), upper_units(world.hb.upper_unit)):
        for key in PERIODS:
            period = parse_period(key)
            reference, counted = _python_review_figures(units, period), review_figures(units, period)
            if reference is None:
                assert counted is None
                continue
            assert _comparable(counted) == _comparable(reference), (units.name, key)
            checked += bool(reference.reviews)
            # And so the tables: every row of the deprivation, children's and cause tables.
            tables = {t.key: t for t in analysis_tables(units, period)}
            from reports import analysis

            for name, table in (
                ("thieu-hut-ho-ngheo", analysis.deprivations_table(units, period, reference, "poor")),
                ("thieu-hut-ho-can-ngheo", analysis.deprivations_table(units, period, reference, "near_poor")),
                ("thieu-hut-tre-em", analysis.children_table(units, period, reference)),
                ("nguyen-nhan", analysis.causes_table(units, period, reference)),
            ):
                assert [r.values for r in tables[name].rows] == [r.values for r in table.rows], (units.name, key, name)
    assert checked >= 12  # most windows hold reviews: the comparison is not of empty tables


def test_the_benchs_raw_sql_counts_what_the_tables_count(varied_reviews):
    """bench/reports.py times the deprivation tables beside raw SQL: the raw SQL counts the same households (the
    latest recognised review of each), not every review."""
    from bench.reports import raw_review_parts

    unit = varied_reviews.hb.upper_unit
    units = upper_units(unit)
    for key in PERIODS:
        period = parse_period(key)
        figures = review_figures(units, period)
        if figures is None:
            continue
        expected = _comparable(figures)
        raw = raw_review_parts(unit, period)
        assert {(s, w): n for w, s, n in raw["households"]} == expected["households"], key
        assert {(s, w): n for w, s, n in raw["children"]} == expected["children"], key
        for part, wanted in (
            ("deprivations", dict(figures.indicators)),
            ("causes", dict(Cause.choices)),
            ("children_deprived", dict(figures.indicators)),
        ):
            counted = {}
            for ward_id, status, item, n in raw[part]:
                if item in wanted:
                    counted.setdefault((status, ward_id), {})[item] = n
            assert counted == expected[part], (key, part)
