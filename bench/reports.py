"""Reports for the upper level (docs/reports.md): the progress report of a ward and the review-result
tables, timed, with the same query count for a small and a large ward, beside the raw SQL aggregate of
the same class counts.

Goals of the issue: the progress report of a ward of 5,000 households within 5 s; the consolidated
tables within 10 s (larger ones run as jobs).
"""

import tempfile
from datetime import date

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
    figure.queries = (counts[0], counts[1])
    figure.notes.append(f"queries: {counts[0]} small, {counts[1]} large")
    return figure


def measure_results_tables(*, ward, repeat: int, seconds: float = 10.0) -> Figure:
    """The review-result tables of the ward and consolidated over its upper-level unit, as workbooks."""
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


# --- The consolidated tables of an upper-level unit (issue 10: 30 wards × 5,000 households within 10 s) ----

CONSOLIDATED_GOAL = 10.0
# Households of the unit, through its wards: every raw query below reads the unit's households this way.
UNIT_HOUSEHOLDS = "FROM households_household h JOIN households_ward w ON w.id = h.ward_id WHERE w.upper_unit_id = %s"
STATUS_THEN = """
COALESCE((SELECT c.to_status FROM households_statuschange c WHERE c.household_id = h.id AND c.effective_on <= %s
          ORDER BY c.effective_on DESC, c.id DESC LIMIT 1),
         CASE WHEN h.status_since <= %s
                   AND NOT EXISTS (SELECT 1 FROM households_statuschange c WHERE c.household_id = h.id)
              THEN h.status END)
"""
# Persons on a day (households.selectors.persons_on): the members now and those who left after the day, not
# those removed as entered by mistake.
COUNTED_REMOVAL = "r.reason <> 'entered_by_mistake'"
PERSONS_THEN = f"""
(SELECT COUNT(*) FROM households_member m WHERE m.household_id = h.id)
 + (SELECT COUNT(*) FROM households_memberremoval r
    WHERE r.household_id = h.id AND r.left_on > %s AND {COUNTED_REMOVAL})
"""
# A row per person on a day (households.selectors.persons_on_rows): the members now and those who left after the
# day (not a mistaken entry), with the disability and ethnicity the member's deletion record kept.
DELETED = (
    "(SELECT d.{column} FROM households_historicalmember d WHERE d.id = r.member_id AND d.history_type = '-' "
    "ORDER BY d.history_date DESC, d.history_id DESC LIMIT 1)"
)
PERSONS_ROWS = f"""
(SELECT m.id, m.household_id, m.birth_date, m.gender, m.is_disabled, m.ethnicity FROM households_member m
 UNION ALL
 SELECT -r.id, r.household_id, r.birth_date, r.gender, {DELETED.format(column="is_disabled")},
        {DELETED.format(column="ethnicity")}
 FROM households_memberremoval r WHERE r.left_on > %s AND {COUNTED_REMOVAL})
"""
# The official table: households and persons per ward and class on the day.
RAW_CLASS_COUNTS = f"""
SELECT ward_id, status_then, COUNT(*), SUM(persons) FROM (
    SELECT h.ward_id, {STATUS_THEN} AS status_then, {PERSONS_THEN} AS persons {UNIT_HOUSEHOLDS}
) AS t WHERE status_then IN ('poor', 'near_poor', 'average') GROUP BY 1, 2
"""
# Movements: the classes on the day before the period and on its last day in one pass (as
# reports.results.period_counts: grouped by both classes, the members counted once for both days' persons, the
# target groups' flags beside), the changes inside the period that leave or enter the poor or near-poor class,
# and the households without any history whose class began inside it.
LEFT_AFTER = (
    "(SELECT COUNT(*) FROM households_memberremoval r "
    f"WHERE r.household_id = h.id AND r.left_on > %s AND {COUNTED_REMOVAL})"
)
RAW_PERIOD_COUNTS = f"""
SELECT ward_id, status_start, status_end, COUNT(*), SUM(members), SUM(left_start), SUM(left_end),
       SUM(CASE WHEN ethnic_minority THEN 1 ELSE 0 END), SUM(CASE WHEN has_merit_person THEN 1 ELSE 0 END) FROM (
    SELECT h.ward_id, h.ethnic_minority, h.has_merit_person,
           {STATUS_THEN} AS status_start, {STATUS_THEN} AS status_end,
           (SELECT COUNT(*) FROM households_member m WHERE m.household_id = h.id) AS members,
           {LEFT_AFTER} AS left_start, {LEFT_AFTER} AS left_end
    {UNIT_HOUSEHOLDS}
) AS t GROUP BY 1, 2, 3
"""
RAW_CHANGES = f"""
SELECT h.ward_id, c.from_status, c.to_status, c.movement, COUNT(*), SUM({PERSONS_THEN})
FROM households_statuschange c JOIN households_household h ON h.id = c.household_id
JOIN households_ward w ON w.id = h.ward_id
WHERE w.upper_unit_id = %s AND c.effective_on BETWEEN %s AND %s AND c.from_status <> c.to_status
  AND (c.from_status IN ('poor', 'near_poor') OR c.to_status IN ('poor', 'near_poor'))
GROUP BY 1, 2, 3, 4
"""
RAW_UNRECORDED = f"""
SELECT h.ward_id, h.status, COUNT(*), SUM({PERSONS_THEN}) {UNIT_HOUSEHOLDS}
  AND NOT EXISTS (SELECT 1 FROM households_statuschange c WHERE c.household_id = h.id)
  AND h.status IN ('poor', 'near_poor') AND h.status_since BETWEEN %s AND %s
GROUP BY 1, 2
"""
# Target groups: poor and near-poor households by group, and their members by group.
RAW_TARGET_HOUSEHOLDS = f"""
SELECT ward_id, status_then, COUNT(*), SUM(CASE WHEN ethnic_minority THEN 1 ELSE 0 END),
       SUM(CASE WHEN has_merit_person THEN 1 ELSE 0 END) FROM (
    SELECT h.ward_id, h.ethnic_minority, h.has_merit_person, {STATUS_THEN} AS status_then {UNIT_HOUSEHOLDS}
) AS t WHERE status_then IN ('poor', 'near_poor') GROUP BY 1, 2
"""
RAW_TARGET_MEMBERS = f"""
SELECT h.ward_id, COUNT(*), SUM(CASE WHEN m.birth_date > %s AND m.birth_date <= %s THEN 1 ELSE 0 END),
       SUM(CASE WHEN m.is_disabled THEN 1 ELSE 0 END), SUM(CASE WHEN m.gender = 'female' THEN 1 ELSE 0 END),
       SUM(CASE WHEN m.ethnicity <> 'Kinh' THEN 1 ELSE 0 END)
FROM {PERSONS_ROWS} m JOIN households_household h ON h.id = m.household_id
JOIN households_ward w ON w.id = h.ward_id
WHERE w.upper_unit_id = %s AND ({STATUS_THEN}) IN ('poor', 'near_poor')
GROUP BY 1
"""
# Deprivations and causes: each household's latest recognised review among those that set the year's classes
# (the decision signed last, then the later decision, then the later review), counted when it recognised the
# household poor or near-poor; its list items counted. What reports.analysis counts, not every review.
REVIEW_WINDOW = (
    "((p{s}.kind = 'periodic' AND p{s}.year = %s) OR (p{s}.kind = 'regular' AND p{s}.year = %s AND p{s}.month <= %s))"
)
RAW_REVIEWS = f"""
FROM reviews_review r JOIN reviews_campaign p ON p.id = r.campaign_id JOIN households_ward w ON w.id = p.ward_id
{{joins}}
WHERE w.upper_unit_id = %s AND r.state = 'recognised' AND {REVIEW_WINDOW.format(s="")}
  AND r.id = (
    SELECT r2.id FROM reviews_review r2 JOIN reviews_campaign p2 ON p2.id = r2.campaign_id
    JOIN reviews_decision d2 ON d2.id = r2.decision_id
    WHERE r2.household_id = r.household_id AND r2.state = 'recognised' AND {REVIEW_WINDOW.format(s="2")}
    ORDER BY d2.signed_on DESC, r2.decision_id DESC, r2.id DESC LIMIT 1
  )
  AND r.proposed_status IN ('poor', 'near_poor')
"""
# The children under 16 on the period's last day of those households (the children's deprivation table): the
# persons of that day, the members now and those who left after it (not a mistaken entry), each part joined to
# the counted reviews as a table, as reports.analysis does: a join to the two parts' union made PostgreSQL read
# every member of the registry (7 s on the bench's unit against 0.4 s).
RAW_CHILDREN = f"""
WITH o AS (SELECT w.id AS ward_id, r.proposed_status AS status, r.household_id, r.deprivations {{reviews}})
SELECT ward_id, status, {{selected}} FROM (
  SELECT o.ward_id, o.status, o.deprivations, m.id AS person
  FROM o JOIN households_member m ON m.household_id = o.household_id
  WHERE m.birth_date > %s AND m.birth_date <= %s
  UNION ALL
  SELECT o.ward_id, o.status, o.deprivations, -r.id
  FROM o JOIN households_memberremoval r ON r.household_id = o.household_id
  WHERE r.left_on > %s AND {COUNTED_REMOVAL} AND r.birth_date > %s AND r.birth_date <= %s
) x {{joins}}
"""


def _items(column: str, table: str = "r") -> str:
    if connection.vendor == "postgresql":
        return f"CROSS JOIN LATERAL jsonb_array_elements_text({table}.{column}) AS item(value)"
    return f"JOIN json_each({table}.{column}) AS item"


def _raw(sql: str, params: list) -> list:
    with connection.cursor() as cursor:
        cursor.execute(_sql(sql), params)
        return cursor.fetchall()


def raw_results(unit, period) -> list:
    day = period.end
    return _raw(RAW_CLASS_COUNTS, [day, day, day, unit.pk])


def raw_movements(unit, period) -> list:
    start, end = period.before_start, period.end
    rows = _raw(RAW_PERIOD_COUNTS, [start, start, end, end, start, end, unit.pk])
    rows += _raw(RAW_CHANGES, [period.end, unit.pk, period.start, period.end])
    rows += _raw(RAW_UNRECORDED, [period.end, unit.pk, period.start, period.end])
    return rows


def raw_target_groups(unit, period) -> list:
    from households.rules import CHILD_AGE_LIMIT, add_months

    day = period.end
    rows = _raw(RAW_TARGET_HOUSEHOLDS, [day, day, unit.pk])
    return rows + _raw(RAW_TARGET_MEMBERS, [add_months(day, -12 * CHILD_AGE_LIMIT), day, day, unit.pk, day, day])


def raw_review_parts(unit, period) -> dict[str, list]:
    """Per part of the deprivation, children's and cause tables, its raw aggregate rows (tests compare them with
    reports.analysis.review_figures)."""
    from households.rules import CHILD_AGE_LIMIT, add_months

    window = [period.year - 1, period.year, period.last_month]
    where = [unit.pk, *window, *window]
    born = [add_months(period.end, -12 * CHILD_AGE_LIMIT), period.end]
    children = [*where, *born, period.end, *born]
    reviews = RAW_REVIEWS.format(joins="")
    per_item = "SELECT w.id, r.proposed_status, item.value, COUNT(DISTINCT {counted}) "
    return {
        "households": _raw("SELECT w.id, r.proposed_status, COUNT(*) " + reviews + GROUPS, where),
        **{
            column: _raw(per_item.format(counted="r.id") + RAW_REVIEWS.format(joins=_items(column)) + ITEMS, where)
            for column in ("deprivations", "causes")
        },
        "children": _raw(RAW_CHILDREN.format(reviews=reviews, selected="COUNT(*)", joins="") + GROUPS, children),
        "children_deprived": _raw(
            RAW_CHILDREN.format(
                reviews=reviews, selected="item.value, COUNT(DISTINCT person)", joins=_items("deprivations", "x")
            )
            + ITEMS,
            children,
        ),
    }


GROUPS, ITEMS = " GROUP BY 1, 2", " GROUP BY 1, 2, 3"

# The trend's earlier year-ends (those that are not the period's two days): each household's class on them from
# its status changes' spans (a change holds until the household's next one) and, without any change, its status
# from status_since on; households per class and day, as reports.results.class_totals counts them.
RAW_TREND_DAY = """
SUM(CASE WHEN effective_on <= %s AND (until IS NULL OR until > %s) THEN 1 ELSE 0 END)
"""
RAW_TREND = """
SELECT to_status, {covered} FROM (
    SELECT c.to_status, c.effective_on,
           LEAD(c.effective_on) OVER (PARTITION BY c.household_id ORDER BY c.effective_on, c.id) AS until
    FROM households_statuschange c JOIN households_household h ON h.id = c.household_id
    JOIN households_ward w ON w.id = h.ward_id WHERE w.upper_unit_id = %s
) AS spans GROUP BY 1
UNION ALL
SELECT h.status, {since} {households}
  AND NOT EXISTS (SELECT 1 FROM households_statuschange c WHERE c.household_id = h.id) GROUP BY 1
"""


def raw_document_parts(unit, period) -> dict[str, list]:
    """The consolidated documents' facts by hand in raw SQL, each counted once as the app counts it: the period's
    two days with the persons and the target groups' flags in one pass (the official table, the movements and
    the target households share reports.results.period_counts), the period's changes and new households, the
    target groups' members, the reviews' figures and the trend's earlier year-ends (the rates chart is drawn from
    the official table). Adding every table's raw SQL counted the period's end three times."""
    from households.rules import CHILD_AGE_LIMIT, add_months
    from reports.charts import TREND_YEARS

    start, end = period.before_start, period.end
    parts = {
        "period": _raw(RAW_PERIOD_COUNTS, [start, start, end, end, start, end, unit.pk]),
        "changes": _raw(RAW_CHANGES, [end, unit.pk, period.start, end]),
        "unrecorded": _raw(RAW_UNRECORDED, [end, unit.pk, period.start, end]),
        "members": _raw(RAW_TARGET_MEMBERS, [add_months(end, -12 * CHILD_AGE_LIMIT), end, end, unit.pk, end, end]),
        "reviews": raw_review_items(unit, period),
        "trend_days": [
            day
            for day in (date(year, 12, 31) for year in range(period.year - TREND_YEARS + 1, period.year))
            if day not in (start, end)
        ],
        "trend": [],
    }
    days = parts["trend_days"]
    if days:
        sql = RAW_TREND.format(
            covered=", ".join(RAW_TREND_DAY for _day in days),
            since=", ".join("SUM(CASE WHEN h.status_since <= %s THEN 1 ELSE 0 END)" for _day in days),
            households=UNIT_HOUSEHOLDS,
        )
        parts["trend"] = _raw(sql, [*(d for day in days for d in (day, day)), unit.pk, *days, unit.pk])
    return parts


def raw_documents(unit, period) -> list:
    return [row for name, rows in raw_document_parts(unit, period).items() if name != "trend_days" for row in rows]


def raw_review_items(unit, period) -> list:
    return [row for rows in raw_review_parts(unit, period).values() for row in rows]


def consolidated_tables():
    """(name, builder(unit, period), raw SQL of the same aggregate) for each consolidated table."""
    from reports.analysis import analysis_tables, target_groups_table, upper_units
    from reports.results import upper_movements, upper_results

    def review_tables(unit, period):
        return analysis_tables(upper_units(unit), period)[1:]

    return [
        ("official results", upper_results, raw_results),
        ("movements of the poor and near-poor", upper_movements, raw_movements),
        ("target groups and ethnicity", lambda u, p: target_groups_table(upper_units(u), p), raw_target_groups),
        ("deprivations and causes", review_tables, raw_review_items),
    ]


def measure_consolidated_table(name, build, raw, *, large, small, repeat: int) -> Figure:
    """One consolidated table of the large unit: its build time and queries beside the raw aggregate."""
    period = parse_period(PERIOD)
    figure = Figure(
        f"Reports: consolidated {name}, {large.label}",
        goal=f"within {CONSOLIDATED_GOAL:.0f} s; same queries for {small.label}",
    )
    counts = [_count_queries(lambda b=b: build(b.unit, period)) for b in (small, large)]
    app = median_time(lambda: build(large.unit, period), repeat, warmup=0)
    baseline = median_time(lambda: raw(large.unit, period), repeat, warmup=0)
    figure.measured = f"{app:.2f} s ({counts[1]} queries)"
    figure.baseline = f"{baseline:.2f} s (raw SQL, {len(raw(small.unit, period))} rows for the small unit)"
    figure.ratio = f"{app / baseline:.1f}×" if baseline else ""
    figure.met = app <= CONSOLIDATED_GOAL and counts[0] == counts[1]
    figure.queries = (counts[0], counts[1])
    figure.notes.append(f"queries: {counts[0]} for {small.label}, {counts[1]} for {large.label}")
    return figure


def _download(client, url: str) -> tuple[int, bool]:
    """GET a document as the user does: at once, or through its job (eager runner) and the job's download."""
    from reports.models import Job

    response = client.get(url)
    job = None
    if response.status_code == 302 and "/reports/jobs/" in response["Location"]:
        job = Job.objects.filter(user__in=[response.wsgi_request.user]).order_by("-created_at").first()
        if job.state != Job.State.DONE:
            raise RuntimeError(f"{url}: the job ended {job.state}: {job.message}")
        response = client.get(f"/reports/jobs/{job.pk}/download/")
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    size = sum(len(chunk) for chunk in response.streaming_content) if response.streaming else len(response.content)
    # Not closed again: the test client closed it (a streamed one when its content ran out), keeping the database
    # connection; a second close ends the request again and closes the connection (bench/measure.py, app_export).
    if job is not None:
        job.file.delete(save=False)
        job.delete()
    return size, job is not None


def measure_consolidated_document(extension: str, *, large, small, repeat: int) -> Figure:
    """The PDF or the workbook of the consolidated tables as the upper level downloads it (a job when large)."""
    from django.conf import settings

    from reports.result_documents import render_results_pdf, upper_results_report, write_results_xlsx

    from .measure import _client

    period = parse_period(PERIOD)
    kind = "PDF" if extension == "pdf" else "Excel"
    figure = Figure(
        f"Reports: consolidated tables ({kind}), {large.label}",
        goal=f"within {CONSOLIDATED_GOAL:.0f} s, as a job over {settings.REPORT_TABLE_JOB_THRESHOLD:,} households; "
        f"same queries for {small.label}",
    )
    url = f"/reports/results/upper/{large.unit.pk}/{PERIOD}.{extension}"
    client = _client(large.viewer)

    def render(unit):
        report = upper_results_report(unit, period)
        with tempfile.TemporaryFile() as output:
            render_results_pdf(report, output) if extension == "pdf" else write_results_xlsx(report, output)

    counts = [_count_queries(lambda b=b: render(b.unit)) for b in (small, large)]
    try:
        size, as_job = _download(client, url)
    except RuntimeError as error:
        figure.met = False
        figure.notes.append(str(error))
        return figure
    app = median_time(lambda: _download(client, url), repeat, warmup=0)
    baseline = median_time(lambda: raw_documents(large.unit, period), 1, warmup=0)
    figure.measured = f"{app:.2f} s"
    figure.baseline = f"{baseline:.2f} s (the documents' facts in raw SQL, each counted once)"
    figure.ratio = f"{app / baseline:.1f}×" if baseline else ""
    figure.met = app <= CONSOLIDATED_GOAL and counts[0] == counts[1]
    figure.queries = (counts[0], counts[1])
    served = "served as a job, timed end to end through the job runner (eager) and its download"
    figure.notes.append(
        f"{served if as_job else 'served at once'}, {size / 1024:,.0f} KiB; "
        f"queries of the document: {counts[0]} for {small.label}, {counts[1]} for {large.label}"
    )
    return figure
