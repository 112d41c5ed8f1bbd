"""The progress report of a ward for a period (BÁO CÁO), from the registry and the program's data.

Tables (docs/reports.md, "Progress report"): households by class per khối at
the start and end of the period with rates; the movements of the period;
support per sub-project (records, households and people reached, amount by
funding source); budget allocated against spent (the plan in force for the
year); tasks by lead unit and state; indicators, target against achieved.
Each table is a `ReportTable`, so the PDF and the workbook (a sheet per table)
show the same numbers. A bounded number of aggregate queries per table.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from households.models import Household, Khoi
from households.rules import Status, percent

from . import layout
from .pdf import render_pdf
from .periods import Period
from .results import movements_report_table, population_totals, ward_movements
from .review_papers import ward_signer
from .tables import Attention, HeaderCell, ReportTable, TableRow, write_workbook


@dataclass
class ProgressReport:
    ward: object
    period: Period
    document: layout.OfficialDocument
    tables: list[ReportTable]
    heading: list[str]
    plan: object  # the issued plan of the year, or None

    @property
    def filename_stem(self) -> str:
        return f"bao-cao-giam-ngheo-{slugify(self.ward.name)}-{self.period.key}".lower()

    def filename(self, extension: str) -> str:
        return f"{self.filename_stem}.{extension}"


def _classes_table(ward, period: Period) -> ReportTable:
    from .models import KhoiPopulation
    from .results import period_counts

    khois = list(Khoi.objects.filter(ward=ward).order_by("position", "name"))
    # Both days in one pass over the households and their histories (two before).
    counted = period_counts(Household.objects.filter(ward=ward), period, "khoi_id")
    start, end = counted.start, counted.end
    population = {
        f.khoi_id: f.households for f in KhoiPopulation.objects.filter(khoi__in=[k.pk for k in khois], year=period.year)
    }
    rows, totals = [], [0] * 4
    for number, khoi in enumerate(khois, start=1):
        base = population.get(khoi.pk)
        counts = [
            start.get((khoi.pk, Status.POOR), (0, 0))[0],
            end.get((khoi.pk, Status.POOR), (0, 0))[0],
            start.get((khoi.pk, Status.NEAR_POOR), (0, 0))[0],
            end.get((khoi.pk, Status.NEAR_POOR), (0, 0))[0],
        ]
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        rows.append(TableRow(str(number), khoi.name, _class_values(base, counts)))
    base = population_totals([k.pk for k in khois], [period.year])[period.year]
    rows.append(TableRow("", pgettext("table row", "Total"), _class_values(base, totals), is_total=True))
    header = [
        [
            HeaderCell(_("No."), rowspan=2),
            HeaderCell(_("Khối"), rowspan=2),
            HeaderCell(_("Total households"), rowspan=2),
            HeaderCell(_("Poor households"), colspan=4),
            HeaderCell(_("Near-poor households"), colspan=4),
        ],
        [HeaderCell(text) for _i in range(2) for text in (_("Start"), _("Rate (%)"), _("End"), _("Rate (%)"))],
    ]
    notes = []
    missing = [k.name for k in khois if k.pk not in population]
    if missing:
        notes.append(
            Attention(
                _(
                    "Missing population figures for %(year)s (total households and persons, entered by the ward): "
                    "%(names)s."
                )
                % {"year": period.year, "names": ", ".join(missing)}
            )
        )
    return ReportTable(
        key="ho-theo-dien",
        title=_("Households by class at the start and end of the period"),
        subtitle=_("%(unit)s, from %(start)s to %(end)s")
        % {"unit": ward.name, "start": period.start.strftime("%d/%m/%Y"), "end": period.end.strftime("%d/%m/%Y")},
        header_rows=header,
        column_numbers=["A", "B", "1", "2", "3 = 2/1×100", "4", "5 = 4/1×100", "6", "7 = 6/1×100", "8", "9 = 8/1×100"],
        rows=rows,
        notes=notes,
    )


def _class_values(base, counts):
    values = [base]
    for count in counts:
        values += [count, percent(count, base or 0)]
    return values


def _support_table(ward, period: Period) -> ReportTable:
    """Support per sub-project: two aggregate queries (reach per sub-project, amounts per funding source)."""
    from projects.models import FundingSource, Intervention, SubProject

    support = Intervention.objects.filter(ward=ward, date__gte=period.start, date__lte=period.end).order_by()
    reach = {
        row["subproject_id"]: row
        for row in support.values("subproject_id").annotate(
            records=Count("pk"),
            households=Count("household_id", distinct=True),
            people=Count("member_id", distinct=True),
            amount=Sum("amount"),
        )
    }
    amounts = {
        (row["subproject_id"], row["funding_source_id"]): row["amount"]
        for row in support.values("subproject_id", "funding_source_id").annotate(amount=Sum("amount"))
    }
    sources = list(FundingSource.objects.all())
    used_ids = {sub for sub, _source in amounts}
    subprojects = [s for s in SubProject.objects.order_by("code") if s.pk in used_ids]
    lines = [(s.pk, s.code, s.name) for s in subprojects]
    if None in used_ids:
        lines.append((None, "", _("Outside the sub-projects")))
    rows = []
    width = 4 + len(sources)
    totals = [0] * width
    for key, code, name in lines:
        r = reach.get(key, {})
        values = [
            r.get("records", 0),
            r.get("households", 0),
            r.get("people", 0),
            *(amounts.get((key, s.pk), 0) for s in sources),
            r.get("amount", 0) or 0,
        ]
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        rows.append(TableRow(code, name, values))
    # The total reach counts a household once even if several sub-projects supported it.
    overall = support.aggregate(
        households=Count("household_id", distinct=True), people=Count("member_id", distinct=True)
    )
    totals[1], totals[2] = overall["households"], overall["people"]
    rows.append(TableRow("", pgettext("table row", "Total"), totals, is_total=True))
    header = [
        [
            HeaderCell(_("Sub-project code"), rowspan=2),
            HeaderCell(_("Sub-project"), rowspan=2),
            HeaderCell(_("Support records"), rowspan=2),
            HeaderCell(_("Households reached"), rowspan=2),
            HeaderCell(_("People reached"), rowspan=2),
            HeaderCell(_("Amount by funding source (VND)"), colspan=len(sources) + 1),
        ],
        [*(HeaderCell(s.name) for s in sources), HeaderCell(_("Total"))],
    ]
    last = 3 + len(sources) + 1
    numbers = [
        "A",
        "B",
        "1",
        "2",
        "3",
        *(str(n) for n in range(4, last)),
        f"{last} = " + "+".join(str(n) for n in range(4, last)),
    ]
    return ReportTable(
        key="ho-tro",
        title=_("Support given per sub-project"),
        subtitle=_("%(unit)s, from %(start)s to %(end)s")
        % {"unit": ward.name, "start": period.start.strftime("%d/%m/%Y"), "end": period.end.strftime("%d/%m/%Y")},
        header_rows=header,
        column_numbers=numbers,
        rows=rows,
        notes=[] if lines else [_("No support was recorded in this period.")],
    )


def _budget_table(ward, period: Period, plan) -> ReportTable:
    from projects.rules import budget_totals
    from projects.selectors import budget_rows

    rows = []
    if plan is not None:
        lines = budget_rows(plan)
        for n, row in enumerate(lines, start=1):
            label = f"{row.budget.subproject or _('Outside the sub-projects')} – {row.budget.funding_source.name}"
            values = [row.allocated, row.spent, row.remaining, percent(row.spent, row.allocated)]
            rows.append(TableRow(str(n), label, values))
        total = budget_totals(lines)
        values = [total.allocated, total.spent, total.remaining, percent(total.spent, total.allocated)]
        rows.append(TableRow("", pgettext("table row", "Total"), values, is_total=True))
    header = [
        [
            HeaderCell(_("No.")),
            HeaderCell(_("Budget line (sub-project – funding source)")),
            HeaderCell(_("Allocated (VND)")),
            HeaderCell(_("Spent (VND)")),
            HeaderCell(_("Remaining (VND)")),
            HeaderCell(_("Spent (%)")),
        ]
    ]
    notes = [
        _("Spent: the support recorded in the ward in %(year)s on the same line, up to today.") % {"year": period.year}
    ]
    if plan is None:
        notes.insert(0, _("The ward has no issued plan for %(year)s: no budget to compare.") % {"year": period.year})
    return ReportTable(
        key="ngan-sach",
        title=_("Budget allocated and spent"),
        subtitle=str(plan) if plan is not None else ward.name,
        header_rows=header,
        column_numbers=["A", "B", "1", "2", "3 = 1−2", "4 = 2/1×100"],
        rows=rows,
        notes=notes,
    )


def _tasks_table(ward, period: Period) -> ReportTable:
    """Tasks of the year's plans by lead unit and state, due up to the period's end: one aggregate query."""
    from assignments.models import Task, Unit
    from assignments.rules import TaskState

    states = list(TaskState.choices)
    counts = {
        (row["lead_unit_id"], row["state"]): row["n"]
        for row in Task.objects.filter(ward=ward, plan__year=period.year, due_on__lte=period.end)
        .order_by()
        .values("lead_unit_id", "state")
        .annotate(n=Count("pk"))
    }
    units = list(Unit.objects.filter(pk__in={u for u, _s in counts}).order_by("position", "name"))
    rows, totals = [], [0] * (len(states) + 1)
    for n, unit in enumerate(units, start=1):
        values = [counts.get((unit.pk, value), 0) for value, _label in states]
        values.append(sum(values))
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        rows.append(TableRow(str(n), unit.name, values))
    rows.append(TableRow("", pgettext("table row", "Total"), totals, is_total=True))
    header = [
        [
            HeaderCell(_("No.")),
            HeaderCell(_("Lead unit")),
            *(HeaderCell(str(label)) for _v, label in states),
            HeaderCell(_("Total")),
        ]
    ]
    width = len(states)
    return ReportTable(
        key="nhiem-vu",
        title=_("Tasks by lead unit and state"),
        subtitle=_("%(unit)s: the tasks of the %(year)s plan due by %(end)s")
        % {"unit": ward.name, "year": period.year, "end": period.end.strftime("%d/%m/%Y")},
        header_rows=header,
        column_numbers=[
            "A",
            "B",
            *(str(n) for n in range(1, width + 1)),
            f"{width + 1} = " + "+".join(str(n) for n in range(1, width + 1)),
        ],
        rows=rows,
    )


def _indicators_table(ward, period: Period, plan) -> ReportTable:
    from projects.selectors import indicator_rows

    rows, notes = [], []
    if plan is not None:
        for n, row in enumerate(indicator_rows(plan, as_of=period.end), start=1):
            ind = row.indicator
            reached = {True: _("Reached"), False: _("Not reached"), None: ""}[row.reached]
            values = [ind.unit, _decimal(row.baseline), _decimal(ind.target), _decimal(row.achieved), reached]
            rows.append(TableRow(str(n), ind.name, values))
            if row.start_rate is not None:
                notes.append(
                    _("%(name)s: in percentage points, counted from a poverty rate of %(rate)s%% at the baseline.")
                    % {"name": ind.name, "rate": str(_decimal(Decimal(row.start_rate).normalize())).replace(".", ",")}
                )
    header = [
        [
            HeaderCell(_("No.")),
            HeaderCell(_("Indicator")),
            HeaderCell(_("Unit")),
            HeaderCell(_("Baseline")),
            HeaderCell(_("Target")),
            HeaderCell(_("Achieved")),
            HeaderCell(_("Assessment")),
        ]
    ]
    if plan is None:
        notes.append(_("The ward has no issued plan for %(year)s: no indicators.") % {"year": period.year})
    return ReportTable(
        key="chi-tieu",
        title=_("Indicators: target and achieved"),
        subtitle=str(plan) if plan is not None else ward.name,
        header_rows=header,
        column_numbers=["A", "B", "1", "2", "3", "4", "5"],
        rows=rows,
        notes=notes,
    )


def _decimal(value):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else value


def progress_report(ward, period: Period) -> ProgressReport:
    from projects.selectors import plan_in_force

    plan = plan_in_force(ward_id=ward.pk, year=period.year)
    movements = ward_movements(ward, period)
    tables = [
        _classes_table(ward, period),
        *(movements_report_table(t, _("Khối")) for t in movements),
        _support_table(ward, period),
        _budget_table(ward, period, plan),
        _tasks_table(ward, period),
        _indicators_table(ward, period, plan),
    ]
    issuer = layout.ward_issuer(ward)
    document = layout.OfficialDocument(
        issuer=issuer,
        place=ward.name,
        on=timezone.localdate(),
        doc_type="BÁO CÁO",
        subject=(f"Kết quả thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững {period.label}",),
        symbol="BC-UBND",
        landscape=True,
        signer=ward_signer(ward),  # the ward's leader, or dots for the name of whoever signs
        recipients=(f"- {ward.upper_unit.name} (b/c);", "- Lưu: VT."),
    )
    return ProgressReport(ward, period, document, tables, list(issuer), plan)


def render_progress_pdf(report: ProgressReport, target=None):
    context = {"doc": report.document, "report": report, "ward_full": layout.ward_full_name(report.ward)}
    return render_pdf("reports/progress_pdf.html", context, target)


def write_progress_xlsx(report: ProgressReport, output) -> None:
    write_workbook(report.tables, [*report.heading, f"BÁO CÁO {report.period.label}"], output)
