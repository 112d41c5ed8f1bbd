"""The review-result tables of a ward or of an upper-level unit as one report: page, PDF and workbook.

`ward_results_report` / `upper_results_report` gather the tables
(`reports.results`) for a period; the page, `render_results_pdf` and
`write_results_xlsx` all start from the same `ResultsReport`.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import slugify

from . import layout
from .pdf import render_pdf
from .periods import Period
from .results import (
    movements_report_table,
    results_report_table,
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

    @property
    def filename_stem(self) -> str:
        return f"ket-qua-ra-soat-{slugify(self.unit_name)}-{self.period.key}".lower()

    def filename(self, extension: str) -> str:
        return f"{self.filename_stem}.{extension}"


def _tables(level: str, unit, period: Period) -> list[ReportTable]:
    if level == "ward":
        results, movements = ward_results(unit, period), ward_movements(unit, period)
    else:
        results, movements = upper_results(unit, period), upper_movements(unit, period)
    return [results_report_table(results), *(movements_report_table(t, results.unit_label) for t in movements)]


def ward_results_report(ward, period: Period) -> ResultsReport:
    issuer = layout.ward_issuer(ward)
    document = layout.OfficialDocument(
        issuer=issuer,
        place=ward.name,
        on=timezone.localdate(),
        doc_type="",
        landscape=True,
        title=f"Kết quả rà soát {layout.ward_full_name(ward)} {period.key}",
    )
    return ResultsReport("ward", ward.pk, ward.name, period, document, _tables("ward", ward, period), list(issuer))


def upper_results_report(unit, period: Period) -> ResultsReport:
    issuer = (unit.name.upper(),)
    document = layout.OfficialDocument(
        issuer=issuer,
        place="",
        on=timezone.localdate(),
        doc_type="",
        landscape=True,
        title=f"Kết quả rà soát {unit.name} {period.key}",
    )
    return ResultsReport("upper", unit.pk, unit.name, period, document, _tables("upper", unit, period), list(issuer))


def render_results_pdf(report: ResultsReport, target=None):
    return render_pdf("reports/results_pdf.html", {"doc": report.document, "report": report}, target)


def write_results_xlsx(report: ResultsReport, output) -> None:
    write_workbook(report.tables, report.heading, output)
