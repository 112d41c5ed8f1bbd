"""The reports' bench (bench/reports.py) on tiny wards: it runs and the query counts hold.

The goals in seconds (the progress report within 5 s, each consolidated table within 10 s) are `make bench`'s,
measured at full size on the idle machine (bench/RESULTS.md), and are not asserted here: on the shared
2-core machine the tiny ward's progress report failed its 5 s under load (6.1-6.5 s) and passed idle, so
the test answered for the machine's load, not for the code. Asserted is what holds whatever the load: the
same number of queries for the small and the large ward or unit (`Figure.queries`), and that every figure
was measured.
"""

import pytest

from bench import reports
from bench.data import ensure_households

pytestmark = pytest.mark.django_db(transaction=True)


def test_reports_bench(settings, catalogue):
    """The progress report's queries do not grow with the ward; the seconds are make bench's (see above)."""
    large = ensure_households("BENCH-RL", 120, khoi_count=3, seed=5, province="044")
    small = ensure_households("BENCH-RS2", 20, khoi_count=3, seed=6, province="045")
    figure = reports.measure_progress(ward=large, small=small, repeat=1)
    assert figure.measured.endswith(" s"), figure.notes
    assert figure.queries[0] == figure.queries[1], figure.notes  # not figure.met: it holds the 5 s too
    figure = reports.measure_results_tables(ward=large, repeat=1)  # its only goal is the 10 s
    assert figure.measured.endswith(" s") and figure.notes[-1].startswith("queries of the consolidated tables: ")


def test_consolidated_tables_bench(settings, tmp_path):
    """Every consolidated table measured against its raw SQL, the small unit's queries equal to the large one's;
    over the job threshold the documents go through the job runner. Not the 10 s goal (see above)."""
    from bench.consolidated_data import consolidated_unit
    from households.models import StatusChange
    from reviews.models import Review

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.MEDIA_ROOT = tmp_path
    small = consolidated_unit("BENCH-TT2", wards=2, households=20, province="046")
    large = consolidated_unit("BENCH-TT3", wards=3, households=60, province="047")
    assert StatusChange.objects.filter(household__ward__upper_unit=large.unit).exists()
    reviews = Review.objects.filter(campaign__ward__upper_unit=large.unit)
    assert reviews.exists() and reviews.exclude(deprivations=[]).exists()
    first = large.wards[0].ward.households.order_by("pk").first().pk
    assert consolidated_unit("BENCH-TT3", wards=3, households=60, province="047").households == 180
    assert large.wards[0].ward.households.order_by("pk").first().pk == first  # reused, not regenerated

    for name, build, raw in reports.consolidated_tables():
        figure = reports.measure_consolidated_table(name, build, raw, large=large, small=small, repeat=1)
        assert figure.measured.endswith(" queries)"), (figure.name, figure.notes)
        assert figure.queries[0] == figure.queries[1], (figure.name, figure.measured, figure.notes)
        assert raw(large.unit, reports.parse_period(reports.PERIOD)), name
    # The documents' baseline counts what the app counts, each fact once: the period's pass and the trend's
    # earlier year-ends summed as period_counts and class_totals sum them.
    from households.models import Household
    from reports.results import class_totals, period_counts

    period = reports.parse_period(reports.PERIOD)
    parts = reports.raw_document_parts(large.unit, period)
    households = Household.objects.filter(ward__upper_unit=large.unit)
    counted = period_counts(households, period, "ward_id")
    start, end = {}, {}
    for ward, status_start, status_end, n, members, left_start, left_end, *_flags in parts["period"]:
        for sums, status, left in ((start, status_start, left_start), (end, status_end, left_end)):
            if status in ("poor", "near_poor", "average"):
                before = sums.get((ward, status), (0, 0))
                sums[(ward, status)] = (before[0] + n, before[1] + members + left)
    assert (start, end) == (counted.start, counted.end)
    assert parts["trend_days"] and parts["trend"]
    trend = [{} for _day in parts["trend_days"]]
    for status, *on_days in parts["trend"]:
        for i, n in enumerate(on_days):
            if status in ("poor", "near_poor", "average") and n:
                trend[i][status] = trend[i].get(status, 0) + int(n)
    assert trend == [class_totals(households, [day], "ward_id")[day] for day in parts["trend_days"]]
    settings.REPORT_TABLE_JOB_THRESHOLD = 100  # the large unit (180) as a job, the small one (40) at once
    for extension in ("pdf", "xlsx"):
        figure = reports.measure_consolidated_document(extension, large=large, small=small, repeat=1)
        assert figure.measured.endswith(" s") and "served as a job" in figure.notes[-1], figure.notes
        assert figure.queries[0] == figure.queries[1], figure.notes
    # A later run with fewer wards parks the extra ones, emptied (their ID numbers free for a new generation).
    fewer = consolidated_unit("BENCH-TT3", wards=2, households=60, province="047")
    assert fewer.unit.wards.count() == 2 and fewer.households == 120
    assert not Review.objects.filter(campaign__ward__code="BENCH-TT3-03").exists()
    again = consolidated_unit("BENCH-TT3", wards=3, households=60, province="047")
    assert again.unit.wards.count() == 3 and again.wards[2].ward.households.count() == 60
