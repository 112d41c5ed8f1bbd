"""Reports for the upper level (docs/reports.md): the progress report of a ward and the review-result
tables, timed, with the same query count for a small and a large ward, beside the raw SQL aggregate of
the same class counts.

Goals of the issue: the progress report of a ward of 5,000 households within 5 s; the consolidated
tables within 10 s (larger ones run as jobs).
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.periods import parse_period
from reports.progress import progress_report, render_progress_pdf
from reports.result_documents import upper_results_report, ward_results_report, write_results_xlsx

from .measure import Figure, median_time

PERIOD = "2025"

# The class of every household on the period's last day, counted per khối: what the official table reads.
BARE_CLASS_SQL = """
SELECT h.khoi_id, (
    SELECT c.to_status FROM households_statuschange c
    WHERE c.household_id = h.id AND c.effective_on <= %s ORDER BY c.effective_on DESC, c.id DESC LIMIT 1
) AS status_then, COUNT(*)
FROM households_household h WHERE h.ward_id = %s GROUP BY 1, 2
"""


def _sql(text: str) -> str:
    return text if connection.vendor == "postgresql" else text.replace("%s", "?")


def _count_queries(function) -> int:
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


def measure_progress(*, ward, small, repeat: int, seconds: float = 5.0) -> Figure:
    """The BÁO CÁO (tables and PDF) of `ward`; query counts against `small`."""
    period = parse_period(PERIOD)
    figure = Figure(
        f"Reports: progress report (PDF) of a ward of {ward.households:,} households",
        goal=f"within {seconds:.0f} s; same queries for a ward of {small.households:,}",
    )
    counts = [_count_queries(lambda b=b: progress_report(b.ward, period)) for b in (small, ward)]
    app = median_time(lambda: render_progress_pdf(progress_report(ward.ward, period)), repeat, warmup=0)

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(_sql(BARE_CLASS_SQL), [period.end, ward.ward.pk])
            cursor.fetchall()

    baseline = median_time(bare, repeat)
    figure.measured, figure.baseline = f"{app:.2f} s", f"{baseline * 1000:.1f} ms (class counts, raw SQL)"
    figure.ratio = f"{app / baseline:.0f}×" if baseline else ""
    figure.met = app <= seconds and counts[0] == counts[1]
    figure.notes.append(f"queries: {counts[0]} small, {counts[1]} large")
    return figure


def measure_results_tables(*, ward, repeat: int, seconds: float = 10.0) -> Figure:
    """The review-result tables of the ward and consolidated over its upper-level unit, as workbooks."""
    import tempfile

    period = parse_period(PERIOD)
    unit = ward.ward.upper_unit
    figure = Figure(
        f"Reports: review-result tables, ward of {ward.households:,} households "
        f"and consolidated over {unit.wards.count()} wards",
        goal=f"each within {seconds:.0f} s",
    )

    def both():
        for report in (ward_results_report(ward.ward, period), upper_results_report(unit, period)):
            with tempfile.TemporaryFile() as output:
                write_results_xlsx(report, output)

    app = median_time(both, repeat, warmup=0)
    queries = _count_queries(lambda: upper_results_report(unit, period))

    def bare():
        with connection.cursor() as cursor:
            cursor.execute(_sql(BARE_CLASS_SQL), [period.end, ward.ward.pk])
            cursor.fetchall()

    baseline = median_time(bare, repeat)
    figure.measured, figure.baseline = f"{app:.2f} s", f"{baseline * 1000:.1f} ms (class counts, raw SQL)"
    figure.ratio = f"{app / baseline:.0f}×" if baseline else ""
    figure.met = app <= seconds
    figure.notes.append(f"queries of the consolidated tables: {queries}")
    return figure
