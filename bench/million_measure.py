"""The pages of `make million`, timed as a user sees them, with the plan of each page's slowest query."""

import re
import statistics
import time
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from households.models import Household

PLAN_LINES = 18


@dataclass
class PageFigure:
    name: str
    url: str
    status: int = 0
    median_ms: float | None = None
    p90_ms: float | None = None
    queries: int = 0
    slowest_ms: float = 0
    slowest_sql: str = ""
    plan: str = ""
    notes: list[str] = field(default_factory=list)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
        lines = [row[0] for row in cursor.fetchall()]
    if len(lines) > PLAN_LINES:
        lines = lines[: PLAN_LINES - 2] + ["  …", *lines[-2:]]
    return "\n".join(lines)


def measure(name: str, client: Client, url: str, repeat: int) -> PageFigure:
    figure = PageFigure(name=name, url=url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    figure.status = response.status_code
    if response.status_code != 200:
        figure.notes.append(f"answered {response.status_code}: not available in this version")
        return figure
    # The page's own reads: not the session and user lookups every page makes.
    selects = [
        q
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT")
        and not any(f'FROM "{table}"' in q["sql"] for table in ("django_session", "accounts_user"))
    ]
    figure.queries = len(captured.captured_queries)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    figure.median_ms = statistics.median(times)
    figure.p90_ms = sorted(times)[max(0, round(len(times) * 0.9) - 1)]
    if selects:
        slowest = max(selects, key=lambda q: float(q["time"]))
        figure.slowest_ms = float(slowest["time"]) * 1000
        figure.slowest_sql = slowest["sql"]
        figure.plan = explain(slowest["sql"])
    return figure


def measure_all(*, ward, upper, repeat: int, wards: int, wards_per_unit: int) -> list[PageFigure]:
    from hungbinh.accounts.models import User
    from hungbinh.accounts.roles import Role

    officer = _client(ward.officer)
    upper_client = _client(upper)
    admin = User.objects.filter(is_superuser=True).first()
    if admin is None:
        admin = User.objects.create_superuser("bench_admin", password=None, role=Role.ADMIN)
    admin_client = _client(admin)
    household = Household.objects.filter(ward=ward.ward).order_by("name_key").first()
    year = timezone.localdate().year
    unit = upper.upper_unit
    pages = [
        ("Ward officer: household list, first page", officer, "/households/"),
        ("Ward officer: list, search “nguyen thi hang”", officer, "/households/?q=nguyen+thi+hang"),
        ("Ward officer: a household's page", officer, f"/households/{household.pk}/"),
        ("Ward officer: dashboard (one ward)", officer, "/"),
        (f"Upper level ({wards_per_unit} wards): dashboard", upper_client, "/"),
        (f"Upper level ({wards_per_unit} wards): household list, poor", upper_client, "/households/?status=poor"),
        (f"Upper level ({wards_per_unit} wards): API list, first page", upper_client, "/api/v1/households/"),
        (f"Whole province (admin, {wards} wards): dashboard", admin_client, "/"),
        (f"Whole province (admin, {wards} wards): list, search", admin_client, "/households/?q=nguyen+thi+hang"),
        *result_table_pages(officer=officer, upper_client=upper_client, ward=ward.ward, unit=unit, year=year),
    ]
    figures = []
    for name, client, url in pages:
        # The consolidated file is a job on the site (over REPORT_TABLE_JOB_THRESHOLD households):
        # built here in the request, it is timed as the worker builds it.
        with override_settings(REPORT_TABLE_JOB_THRESHOLD=10**9):
            figure = measure(name, client, url, repeat)
        print(f"  {name}: {figure.median_ms or 0:.0f} ms, {figure.queries} queries", flush=True)
        figures.append(figure)
    return figures


def result_table_pages(*, officer, upper_client, ward, unit, year: int) -> list[tuple]:
    """The review-result tables of the reports app (docs/reports.md): consolidated over the upper level's wards
    and for one ward, as page and as Excel file, and the upper level's rates chart."""
    upper = f"/reports/results/upper/{unit.pk}/{year}"
    one = f"/reports/results/ward/{ward.pk}/{year}"
    return [
        ("Upper level: consolidated review-result tables (page)", upper_client, f"{upper}/"),
        ("Upper level: consolidated review-result tables (xlsx, as its job builds it)", upper_client, f"{upper}.xlsx"),
        ("Upper level: rates per ward (chart, SVG)", upper_client, f"{upper}/rates.svg"),
        ("Ward officer: review-result tables of the ward (page)", officer, f"{one}/"),
        ("Ward officer: review-result tables of the ward (xlsx)", officer, f"{one}.xlsx"),
    ]


def _compact(sql: str) -> str:
    sql = re.sub(r"\s+", " ", sql)
    return sql if len(sql) <= 400 else sql[:400] + " …"


def report(figures: list[PageFigure], *, header: str) -> str:
    lines = [
        header,
        "",
        "| Page | Median | p90 | Queries | Slowest query |",
        "|---|---|---|---|---|",
    ]
    for f in figures:
        if f.median_ms is None:
            lines.append(f"| {f.name} | – | – | – | {'; '.join(f.notes)} |")
        else:
            lines.append(
                f"| {f.name} | {f.median_ms:.0f} ms | {f.p90_ms:.0f} ms | {f.queries} | {f.slowest_ms:.0f} ms |"
            )
    lines += ["", "### Query plans (the slowest query of each page)", ""]
    for f in figures:
        if not f.plan:
            continue
        lines += [
            f"**{f.name}** (`{f.url}`)",
            "",
            "```sql",
            _compact(f.slowest_sql),
            "```",
            "",
            "```",
            f.plan,
            "```",
            "",
        ]
    return "\n".join(lines)
