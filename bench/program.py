"""The program (docs/program.md): support for 1,000 households in one action, and the
budget and indicator pages over 50,000 support records.

- Support for a list: `intervention_record_bulk` for 1,000 poor households, its
  queries (a fixed number whatever the list's length) and its time beside a bare
  bulk insert of the same rows without checks or history. It runs inside a
  transaction that is rolled back, so the bench can be run again.
- Budgets and indicators: the same number of queries for the small ward's plan
  and the large one's; the page's time beside the raw SQL aggregates of the same
  numbers.
"""

import random
from datetime import date

from django.db import connection
from django.urls import reverse

from households.models import Household
from households.rules import Status
from projects import services
from projects.catalogue import ensure_catalogue
from projects.models import Budget, FundingSource, Indicator, Intervention, Plan, SubProject

from .measure import Figure, _client, median_time
from .reviews import _queries, _rolled_back

YEAR = 2025
LINES = [("2", "central_budget"), ("3.1", "local_budget"), ("4.1", "local_budget"), (None, "tet_for_the_poor")]
INDICATORS = [
    ("Tỷ lệ hộ nghèo", "%", "poor_rate", None, None),
    ("Mức giảm tỷ lệ hộ nghèo", "điểm %", "poor_rate_reduction", None, None),
    ("Hộ nghèo", "hộ", "poor_households", None, None),
    ("Hộ được hỗ trợ", "hộ", "households_supported", None, None),
    ("Người được đào tạo nghề", "người", "people_supported", "4.1", None),
    ("Kinh phí hỗ trợ", "đồng", "support_amount", None, None),
    ("Quà Tết", "hộ", "households_supported", None, "tet_for_the_poor"),
    ("Chỉ tiêu nhập tay", "%", "manual", None, None),
]


def program_plan(bench, support: int, *, seed: int = 7) -> Plan:
    """The ward's issued plan of 2025 with budget lines, indicators and exactly `support` support records."""
    program = ensure_catalogue()
    subs = {s.code: s for s in SubProject.objects.filter(program=program)}
    sources = {s.code: s for s in FundingSource.objects.all()}
    plan, made = Plan.objects.get_or_create(
        ward=bench.ward,
        year=YEAR,
        state="issued",
        defaults={
            "program": program,
            "issued_on": date(YEAR, 5, 30),
            "issuing_body": f"PHƯỜNG {bench.ward.name.upper()}",
            "place": bench.ward.name,
            "subject": f"Kế hoạch giảm nghèo năm {YEAR}",
            "basis": "Căn cứ đo hiệu năng.",
        },
    )
    if made:
        total = Household.objects.filter(ward=bench.ward).count()
        for code, source in LINES:
            Budget.objects.create(
                plan=plan, subproject=subs.get(code), funding_source=sources[source], allocated=10**12
            )
        for n, (name, unit, source, code, fund) in enumerate(INDICATORS, start=1):
            Indicator.objects.create(
                plan=plan,
                position=n,
                name=name,
                unit=unit,
                source=source,
                subproject=subs.get(code) if code else None,
                funding_source=sources[fund] if fund else None,
                households_total=total if "rate" in source else None,
                baseline=20 if source == "poor_rate_reduction" else None,
                achieved_entered=90 if source == "manual" else None,
            )
    existing = Intervention.objects.filter(ward=bench.ward)
    if existing.count() != support:
        existing.delete()
        _generate_support(bench, support, subs=subs, sources=sources, seed=seed)
    return plan


def _generate_support(bench, count: int, *, subs, sources, seed: int):
    rng = random.Random(seed)
    households = list(Household.objects.filter(ward=bench.ward).order_by("pk").values_list("pk", flat=True))
    lines = [(subs.get(code), sources[source]) for code, source in LINES]
    rows = []
    for n in range(count):
        subproject, source = lines[n % len(lines)]
        rows.append(
            Intervention(
                ward=bench.ward,
                household_id=rng.choice(households),
                subproject=subproject,
                funding_source=source,
                date=date(YEAR, 1 + n % 12, 1 + n % 28),
                kind="cash",
                amount=rng.randrange(100, 5000) * 1000,
                recorded_by=bench.officer,
            )
        )
    Intervention.objects.bulk_create(rows, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE projects_intervention")


def measure_bulk_support(*, large, households: int = 1000, max_queries: int = 40) -> Figure:
    ids = list(
        Household.objects.filter(ward=large.ward, status=Status.POOR)
        .order_by("pk")
        .values_list("pk", flat=True)[:households]
    )
    figure = Figure(
        f"Program: the same support for {len(ids):,} households in one action",
        goal=f"≤ {max_queries} queries whatever the list's length, time beside a bare bulk insert",
    )
    tet = FundingSource.objects.get(code="tet_for_the_poor")
    on = date(YEAR, 1, 20)

    def record():
        return services.intervention_record_bulk(
            by=large.officer,
            household_ids=ids,
            subproject=None,
            funding_source=tet,
            date=on,
            kind="in_kind",
            amount=500_000,
            description="Quà Tết (đo)",
            over_budget_ok=True,
        )

    seconds, queries, _batch = _rolled_back(record)

    def bare():
        Intervention.objects.bulk_create(
            [
                Intervention(
                    ward=large.ward,
                    household_id=pk,
                    funding_source=tet,
                    date=on,
                    kind="in_kind",
                    amount=500_000,
                    recorded_by=large.officer,
                )
                for pk in ids
            ],
            batch_size=500,
        )

    bare_seconds, bare_queries, _ = _rolled_back(bare)
    figure.measured = f"{seconds:.2f} s ({queries} queries)"
    figure.baseline = f"{bare_seconds:.2f} s ({bare_queries} queries)"
    figure.ratio = f"{seconds / bare_seconds:.1f}×" if bare_seconds else ""
    figure.met = queries <= max_queries and len(ids) == households
    figure.notes.append(
        "the action checks scope and every household's status history, writes the batch and a history row per "
        "record; the baseline only inserts the records"
    )
    return figure


BARE_BUDGET_SQL = (
    "SELECT subproject_id, funding_source_id, SUM(amount) FROM projects_intervention "
    "WHERE ward_id = {p} AND date >= {p} AND date <= {p} GROUP BY subproject_id, funding_source_id"
)
BARE_INDICATOR_SQL = (
    "SELECT COUNT(DISTINCT household_id), COUNT(DISTINCT member_id), SUM(amount), "
    "COUNT(DISTINCT household_id) FILTER (WHERE funding_source_id = {p}) "
    "FROM projects_intervention WHERE ward_id = {p} AND date >= {p} AND date <= {p}"
)
BARE_REGISTRY_SQL = (
    "SELECT COUNT(*) FILTER (WHERE status = 'poor'), COUNT(*) FILTER (WHERE status = 'near_poor') "
    "FROM households_household WHERE ward_id = {p}"
)


def _sql(template: str) -> str:
    return template.format(p="%s")


def measure_program_page(kind: str, *, large, small, repeat: int) -> Figure:
    """`kind`: "budgets" or "indicators"."""
    plans = {
        label: Plan.objects.get(ward=b.ward, year=YEAR, state="issued")
        for label, b in (("small", small), ("large", large))
    }
    support = {label: Intervention.objects.filter(ward_id=p.ward_id).count() for label, p in plans.items()}
    figure = Figure(
        f"Program: {kind} page over {support['large']:,} support records",
        goal="same queries for the small and the large ward's plan; time beside the raw SQL aggregate",
    )
    name = "plan-budgets" if kind == "budgets" else "plan-indicators"
    counts = {}
    for label, bench in (("small", small), ("large", large)):
        counts[label] = _queries(_client(bench.officer), reverse(name, args=[plans[label].pk]))
    client = _client(large.officer)
    url = reverse(name, args=[plans["large"].pk])
    app = median_time(lambda: client.get(url), repeat)
    plan = plans["large"]
    first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
    tet = FundingSource.objects.get(code="tet_for_the_poor").pk

    def bare():
        with connection.cursor() as cursor:
            if kind == "budgets":
                cursor.execute(_sql(BARE_BUDGET_SQL), [plan.ward_id, first, last])
                cursor.fetchall()
            else:
                if connection.vendor == "postgresql":
                    cursor.execute(_sql(BARE_INDICATOR_SQL), [tet, plan.ward_id, first, last])
                    cursor.fetchall()
                    cursor.execute(_sql(BARE_REGISTRY_SQL), [plan.ward_id])
                else:  # SQLite (the smoke test) has no FILTER on COUNT(DISTINCT …) before 3.30 everywhere
                    cursor.execute(_sql(BARE_BUDGET_SQL), [plan.ward_id, first, last])
                cursor.fetchall()

    baseline = median_time(bare, repeat)
    figure.measured, figure.baseline = f"{app * 1000:.1f} ms", f"{baseline * 1000:.1f} ms"
    figure.ratio = f"{app / baseline:.1f}×" if baseline else ""
    figure.met = counts["small"] == counts["large"]
    figure.notes.append(
        "queries: {} for {:,} support records, {} for {:,}".format(
            counts["small"], support["small"], counts["large"], support["large"]
        )
    )
    return figure
