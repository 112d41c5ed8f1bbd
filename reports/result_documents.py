"""The review-result tables of a ward or of an upper-level unit as one report: page, PDF and workbook.

`ward_results_report` / `upper_results_report` gather the tables
(`reports.results`) for a period; the page, `render_results_pdf` and
`write_results_xlsx` all start from the same `ResultsReport`.
"""

import dataclasses
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.text import slugify

from . import layout, pdf
from .analysis import analysis_tables, upper_units, ward_units
from .pdf import render_pdf
from .periods import Period
from .results import (
    movements_report_table,
    period_counts,
    population_totals,
    results_report_table,
    shared_class_counts,
    upper_movements,
    upper_results,
    ward_movements,
    ward_results,
)
from .tables import ReportTable, write_workbook


@dataclass
class ResultsReport:
    level: str  # "ward" or "upper"
    unit_id: int
    unit_name: str
    period: Period
    document: layout.OfficialDocument
    tables: list[ReportTable]
    heading: list[str]  # the lines above each sheet of the workbook
    unit: object = None  # the Ward or UpperUnit
    results: object = None  # the official table's ResultsTable, which the rates chart draws
    counts: dict = field(default_factory=dict)  # the class counts the tables made, shared with the charts
    stage: str = ""  # a submitted year's tables: "preliminary" or "official" (reports.Submission.Stage)

    @property
    def stage_label(self) -> str:
        """ "Kết quả sơ bộ" / "Kết quả chính thức" in the title of a submitted year's tables, else ""."""
        from .models import Submission

        return str(Submission.Stage(self.stage).label) if self.stage else ""

    @property
    def filename_stem(self) -> str:
        return f"ket-qua-ra-soat-{slugify(self.unit_name)}-{self.period.key}".lower()

    def filename(self, extension: str) -> str:
        return f"{self.filename_stem}.{extension}"


def _tables(level: str, unit, period: Period):
    """The official results (kept for the rates chart), every table of the report, and the class counts made."""
    with shared_class_counts() as counts:
        return (*_count_tables(level, unit, period), counts)


def _count_tables(level: str, unit, period: Period):
    units = ward_units(unit) if level == "ward" else upper_units(unit)
    # One pass over the households for the official table, the movements' two days and the target groups.
    period_counts(units.households, period, units.household_unit)
    if level == "ward":
        results, movements = ward_results(unit, period), ward_movements(unit, period)
    else:
        results, movements = upper_results(unit, period), upper_movements(unit, period)
    return results, [
        results_report_table(results),
        *(movements_report_table(t, results.unit_label) for t in movements),
        *analysis_tables(units, period),
    ]


def _staged(report: ResultsReport, stage: str) -> ResultsReport:
    """A submitted year's tables name their stage in the PDF's title and subtitle and above every sheet."""
    report.stage = stage
    if stage:
        label = report.stage_label
        report.document = dataclasses.replace(report.document, title=f"{report.document.title} – {label.lower()}")
        report.heading.append(label.upper())
    return report


def ward_results_report(ward, period: Period, stage: str = "") -> ResultsReport:
    issuer = layout.ward_issuer(ward)
    document = layout.OfficialDocument(
        issuer=issuer,
        place=ward.name,
        on=timezone.localdate(),
        doc_type="",
        landscape=True,
        title=f"Kết quả rà soát {layout.ward_full_name(ward)} {period.key}",
    )
    results, tables, counts = _tables("ward", ward, period)
    report = ResultsReport(
        "ward", ward.pk, ward.name, period, document, tables, list(issuer), unit=ward, results=results, counts=counts
    )
    return _staged(report, stage)


def upper_results_report(unit, period: Period) -> ResultsReport:
    issuer = layout.unit_issuer(unit.name)
    document = layout.OfficialDocument(
        issuer=issuer,
        place=layout.unit_place(unit.name),
        on=timezone.localdate(),
        doc_type="",
        landscape=True,
        title=f"Kết quả rà soát {unit.name} {period.key}",
    )
    results, tables, counts = _tables("upper", unit, period)
    return ResultsReport(
        "upper", unit.pk, unit.name, period, document, tables, list(issuer), unit=unit, results=results, counts=counts
    )


CHARTS = ("rates", "trend")


def report_chart(level: str, unit, period: Period, name: str, results=None) -> str:
    """One chart of the report as SVG: `rates` (per khối or ward; from `results` when the tables are
    already counted) or `trend` (the last years)."""
    from households.models import Household, Khoi, Ward

    from . import charts

    if name == "rates":
        if results is None:
            results = ward_results(unit, period) if level == "ward" else upper_results(unit, period)
        return charts.rates_chart(results)
    # The households and grouping of the official table, so that the period's own year is its counts again.
    if level == "ward":
        households, group_by = Household.objects.filter(ward=unit), "khoi_id"
        khoi_ids = list(Khoi.objects.filter(ward=unit).values_list("pk", flat=True))
    else:
        ward_ids = list(Ward.objects.filter(upper_unit=unit).order_by("name").values_list("pk", flat=True))
        households, group_by = Household.objects.filter(ward__in=ward_ids), "ward_id"
        khoi_ids = list(Khoi.objects.filter(ward__upper_unit=unit).values_list("pk", flat=True))
    years = range(period.year - charts.TREND_YEARS + 1, period.year + 1)
    points = charts.trend_points(households, population_totals(khoi_ids, years), period, group_by)
    return charts.trend_chart(points, unit.name)


def report_charts(report: ResultsReport) -> list[str]:
    """Every chart of the report as SVG, drawn from the class counts its tables already made: the trend's last
    two years are the period's end and the day before its start, which the official table and the movements
    counted (each a pass over every household and its history)."""
    with shared_class_counts(report.counts):
        return [report_chart(report.level, report.unit, report.period, name, report.results) for name in CHARTS]


# Over this many cells (the consolidated tables of a few wards and more) the tables are laid out in parallel,
# in parts (reports.pdf.render_pdf_in_parts); under it forking, joining and numbering the pages cost more
# than they save (docs/reports.md, "Speed of the consolidated documents").
PARALLEL_MIN_CELLS = 2000
# The charts, in cells of the last part, which draws them: their queries (the trend's earlier years, made while
# the other parts are laid out: ~0.4 s of database CPU on the bench's 30 wards) and their two pages.
CHARTS_CELLS = 350


def table_cells(table) -> int:
    return len(table.rows) * table.width


def render_results_pdf(report: ResultsReport, target=None):
    """The tables, then the charts (the same SVG the page shows), in the landscape layout. A large report's
    tables are laid out in parallel, in parts that follow each other; the charts' queries run while the
    tables of the earlier parts are laid out."""
    from . import charts

    def chart_images() -> dict:
        return {"chart_images": [charts.data_url(svg) for svg in report_charts(report)]}

    context = {"doc": report.document, "report": report}
    cells = [table_cells(table) for table in report.tables]
    # Cells first: parallel_processes() reads the machine's load (some 20 ms), which a small report need not wait.
    if sum(cells) >= PARALLEL_MIN_CELLS and (processes := pdf.parallel_processes()) > 1:
        parts = pdf.split_parts(report.tables, [*cells[:-1], cells[-1] + CHARTS_CELLS], processes)
        return pdf.render_pdf_in_parts("reports/results_pdf.html", context, parts, target, last_context=chart_images)
    return render_pdf("reports/results_pdf.html", {**context, **chart_images()}, target)


def write_results_xlsx(report: ResultsReport, output) -> None:
    write_workbook(report.tables, report.heading, output)
