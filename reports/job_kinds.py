"""The kinds of job the reports app runs (reports/jobs.py explains the runner).

Each kind re-reads the data with the scope of the user who asked for it, at
the time it runs: a job never shows what its user may no longer see.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from households import personal_data
from households.exporting import write_households_xlsx
from households.models import Member
from hungbinh.workbooks import XLSX_CONTENT_TYPE

from .household_lists import (
    ListHeading,
    ListRequestError,
    household_list_build,
    household_list_filterset,
    household_list_heading,
    render_household_list_pdf,
    wants_id_numbers,
)
from .jobs import JobFailed, JobOutput, job_kind
from .pdf import PDF_CONTENT_TYPE, RenderingUnavailable


def _rendering_unavailable(error: RenderingUnavailable) -> JobFailed:
    return JobFailed(error.message)


HOUSEHOLD_LIST_PDF = "household_list_pdf"
HOUSEHOLD_LIST_XLSX = "household_list_xlsx"


def export_disclosure(user, params) -> personal_data.Disclosure:
    """Masked ID numbers unless asked for with show_ids=1 by a role that may see them (else 403)."""
    reveal = wants_id_numbers(params)
    if reveal and not personal_data.may_reveal_id_numbers(user):
        raise ListRequestError(_("Your role may not export full ID numbers; export without show_ids."), 403)
    return personal_data.disclosure_for(user, reveal_ids=reveal)


def log_export(user, path, household_ids, member_count, disclosure) -> None:
    """Every export is logged, saying whether full ID numbers were in it (docs/personal-data.md)."""
    personal_data.log_access(
        user=user,
        channel=personal_data.Channel.EXPORT,
        path=path,
        household_ids=household_ids,
        member_count=member_count,
        id_numbers_shown=disclosure.reveal_ids,
    )


def log_list_export(user, path, household_list) -> None:
    """A household list (PDF) is an export of the heads' names; with ID numbers when it shows them."""
    personal_data.log_access(
        user=user,
        channel=personal_data.Channel.EXPORT,
        path=path,
        household_ids=household_list.household_ids,
        member_count=len(household_list.rows),  # one person, the head, per household
        id_numbers_shown=household_list.with_ids,
    )


@job_kind(HOUSEHOLD_LIST_PDF, gettext_lazy("Household list (PDF)"))
def household_list_pdf(*, job, output, progress) -> JobOutput:
    def rows_read(done):
        progress(done)

    try:
        household_list = household_list_build(user=job.user, params=job.params, progress=rows_read)
    except ListRequestError as error:
        raise JobFailed(error.message) from error
    progress(len(household_list.rows), total=len(household_list.rows))
    try:
        render_household_list_pdf(household_list, output)
    except RenderingUnavailable as error:
        raise _rendering_unavailable(error) from error
    log_list_export(job.user, job.path, household_list)
    return JobOutput(household_list.filename("pdf"), PDF_CONTENT_TYPE)


def write_list_xlsx(*, user, filterset, disclosure, output, path: str = "", total: int | None = None) -> ListHeading:
    """The Excel list with its title (ward, filters, date), ward column and totals; logged as an export."""
    heading = household_list_heading(user=user, filterset=filterset)
    # The totals go in the title row: a row under the list would be read back as a household by the import.
    households = filterset.qs.order_by().count() if total is None else total
    members = Member.objects.filter(household__in=filterset.qs.order_by().values("pk")).count()
    totals = _("Total: %(households)s households, %(members)s members") % {"households": households, "members": members}
    summary = write_households_xlsx(
        households=filterset.qs,
        output=output,
        disclosure=disclosure,
        title=f"{heading.title}. {totals}.",
        with_ward=heading.show_ward,
    )
    log_export(user, path, summary.household_ids, summary.member_count, disclosure)
    return heading


@job_kind(HOUSEHOLD_LIST_XLSX, gettext_lazy("Household list (Excel)"))
def household_list_xlsx(*, job, output, progress) -> JobOutput:
    try:
        filterset = household_list_filterset(user=job.user, params=job.params)
        disclosure = export_disclosure(job.user, job.params)
    except ListRequestError as error:
        raise JobFailed(error.message) from error
    heading = write_list_xlsx(
        user=job.user, filterset=filterset, disclosure=disclosure, output=output, path=job.path, total=job.total
    )
    progress(job.total or 0, total=job.total)
    return JobOutput(heading.filename("xlsx"), XLSX_CONTENT_TYPE)


# --- A unit's documents for a period: review-result tables, detailed lists (docs/reports.md) ------


class UnitFunctions(NamedTuple):
    ward: Callable  # (ward, period) -> the document
    upper: Callable  # (upper-level unit, period) -> the document
    render_pdf: Callable  # (document, target=None) -> the PDF's bytes, or written to target
    write_xlsx: Callable  # (document, output)


@dataclass(frozen=True)
class UnitDocument:
    """A document of a ward or an upper-level unit for a period, as its page, its downloads and its jobs share it:
    the job kind of each extension, how it is built and written, and how a copy given out is logged."""

    pdf_kind: str
    xlsx_kind: str
    functions: Callable[[], UnitFunctions]  # imports the document's module when first asked
    log: Callable | None = None  # (user, path, document): a copy that names people is recorded

    def kind(self, extension: str) -> str:
        return self.pdf_kind if extension == "pdf" else self.xlsx_kind

    def build(self, level: str, unit, period):
        functions = self.functions()
        return (functions.ward if level == "ward" else functions.upper)(unit, period)


def _unit_document_kinds(document: UnitDocument, *, pdf_label, xlsx_label) -> None:
    """Register the PDF and the workbook job of a unit's document, asked for with the params level, unit_id and
    period and read again in the job's user's scope."""

    def build(job):
        from .selectors import ReportRequestError, period_get, report_unit_get

        params = job.params
        try:
            period = period_get(params.get("period", ""))
            unit = report_unit_get(user=job.user, level=params.get("level"), unit_id=params.get("unit_id"))
            return document.build(params.get("level"), unit, period)
        except ReportRequestError as error:
            raise JobFailed(error.message) from error

    def given_out(job, built, progress, extension: str, content_type: str) -> JobOutput:
        if document.log is not None:
            document.log(job.user, job.path, built)
        progress(job.total or 0, total=job.total)
        return JobOutput(built.filename(extension), content_type)

    @job_kind(document.pdf_kind, pdf_label)
    def unit_document_pdf(*, job, output, progress) -> JobOutput:
        built = build(job)
        try:
            document.functions().render_pdf(built, output)
        except RenderingUnavailable as error:
            raise _rendering_unavailable(error) from error
        return given_out(job, built, progress, "pdf", PDF_CONTENT_TYPE)

    @job_kind(document.xlsx_kind, xlsx_label)
    def unit_document_xlsx(*, job, output, progress) -> JobOutput:
        built = build(job)
        document.functions().write_xlsx(built, output)
        return given_out(job, built, progress, "xlsx", XLSX_CONTENT_TYPE)


def _results_functions() -> UnitFunctions:
    from . import result_documents as tables

    return UnitFunctions(
        tables.ward_results_report, tables.upper_results_report, tables.render_results_pdf, tables.write_results_xlsx
    )


RESULTS = UnitDocument(pdf_kind="results_pdf", xlsx_kind="results_xlsx", functions=_results_functions)
_unit_document_kinds(
    RESULTS,
    pdf_label=gettext_lazy("Review-result tables (PDF)"),
    xlsx_label=gettext_lazy("Review-result tables (Excel)"),
)


def log_detailed_lists(user, path, lists, *, channel=personal_data.Channel.EXPORT) -> None:
    """The detailed lists name every member: each showing or export is logged (no ID numbers in them)."""
    personal_data.log_access(
        user=user,
        channel=channel,
        path=path,
        household_ids=lists.household_ids,
        member_count=lists.member_count,
        id_numbers_shown=False,
    )


def _lists_functions() -> UnitFunctions:
    from . import detailed_lists as lists

    return UnitFunctions(
        lists.ward_detailed_lists,
        lists.upper_detailed_lists,
        lists.render_detailed_lists_pdf,
        lists.write_detailed_lists_xlsx,
    )


LISTS = UnitDocument(pdf_kind="lists_pdf", xlsx_kind="lists_xlsx", functions=_lists_functions, log=log_detailed_lists)
_unit_document_kinds(
    LISTS,
    pdf_label=gettext_lazy("Lists of poor and near-poor households (PDF)"),
    xlsx_label=gettext_lazy("Lists of poor and near-poor households (Excel)"),
)


# --- The registry's Excel import, for large files (docs/workbook.md, "Large files") ---------

HOUSEHOLD_IMPORT = "household_import"


@job_kind(HOUSEHOLD_IMPORT, gettext_lazy("Household import (Excel)"))
def household_import(*, job, output, progress) -> JobOutput:
    """Check (params `dry_run`) or import the job's input workbook into the ward `ward_id`; the report as Excel.

    The import writes all or nothing, in short batches (docs/workbook.md, "Writing in batches"); a
    worker killed in the middle leaves the batches it committed with their undo records (an import run,
    households/importing/runs.py): the job, taken again from the stored file, first takes them back, then
    imports the whole file again.
    """
    from django.core.exceptions import PermissionDenied
    from django.utils.text import slugify

    from households import selectors
    from households.importing import household_import as import_workbook
    from households.importing.report import import_summary, write_import_report

    ward = selectors.ward_list(user=job.user).filter(pk=job.params.get("ward_id")).first()
    if ward is None:
        raise JobFailed(_("This ward is outside your scope."))
    if not job.input_file:
        raise JobFailed(_("The uploaded file of this job is no longer stored. Choose the file again."))
    dry_run = bool(job.params.get("dry_run"))
    progress(0)
    try:
        with job.input_file.open("rb") as file:
            result = import_workbook(
                by=job.user,
                ward=ward,
                file=file,
                dry_run=dry_run,
                progress=progress,
                file_name=job.params.get("file_name", ""),
                job_id=job.pk,
            )
    except PermissionDenied as error:
        raise JobFailed(str(error)) from error
    except FileNotFoundError as error:
        raise JobFailed(_("The uploaded file of this job is no longer stored. Choose the file again.")) from error
    name = job.params.get("file_name") or _("workbook")
    write_import_report(result, output=output, file_name=name, ward_name=ward.name, dry_run=dry_run)
    # The upload holds full ID numbers: the runner deletes it once this attempt has finished the job, not here,
    # where another worker that took the job over may not have opened it yet (reports/jobs.py, _delete_input);
    # checking the file again, or importing it after a check, means choosing it again.
    rows = result.created + result.updated + result.members_created + result.members_updated
    progress(rows, total=rows)
    stem = slugify(name.rsplit(".", 1)[0])[:80] or "tep"
    return JobOutput(
        f"ket-qua-nhap-{stem}.xlsx",  # "import result", named like the template mau-nhap-ho-gia-dinh.xlsx
        XLSX_CONTENT_TYPE,
        message=import_summary(result, dry_run=dry_run),
    )


# --- The review's papers (docs/documents.md, "The review's papers") -------------------------

REVIEW_PAPER_PDF = "review_paper_pdf"


@job_kind(REVIEW_PAPER_PDF, gettext_lazy("Review paper (PDF)"))
def review_paper_pdf(*, job, output, progress) -> JobOutput:
    """A long paper of a review (a decision's lists, its certificates, a ward's list), read again in the job's
    user's scope at the time it runs."""
    from django.core.exceptions import ObjectDoesNotExist, PermissionDenied

    from . import review_papers as papers

    params = job.params
    try:
        paper = papers.paper_get(
            user=job.user, kind=params.get("paper", ""), pk=params.get("pk"), khoi_id=params.get("khoi_id")
        )
        paper.render(output)
    except (ObjectDoesNotExist, PermissionDenied) as error:
        raise JobFailed(_("This paper is no longer within your scope.")) from error
    except papers.PaperNotReady as error:
        raise JobFailed(error.message) from error
    except RenderingUnavailable as error:
        raise _rendering_unavailable(error) from error
    progress(paper.size, total=paper.size)
    return JobOutput(paper.filename, PDF_CONTENT_TYPE)


CAMPAIGN_RESULTS_XLSX = "campaign_results_xlsx"


@job_kind(CAMPAIGN_RESULTS_XLSX, gettext_lazy("Campaign results (Excel)"))
def campaign_results_xlsx(*, job, output, progress) -> JobOutput:
    """A long campaign's results as a workbook, read again in the job's user's scope at the time it runs."""
    from django.core.exceptions import ObjectDoesNotExist, PermissionDenied

    from . import review_papers as papers
    from .campaign_results import campaign_results, write_campaign_results_xlsx

    try:
        campaign = papers.campaign_get(user=job.user, pk=job.params.get("pk"))
        khoi_id = job.params.get("khoi_id")
        khoi = None if khoi_id is None else papers.khoi_get(user=job.user, campaign=campaign, pk=khoi_id)
        if khoi is None:
            papers.require_ward_wide(job.user)
    except (ObjectDoesNotExist, PermissionDenied) as error:
        raise JobFailed(_("This paper is no longer within your scope.")) from error
    results = campaign_results(user=job.user, campaign=campaign, khoi=khoi)
    write_campaign_results_xlsx(results, output)
    progress(len(results.rows), total=len(results.rows))
    return JobOutput(results.filename("xlsx"), XLSX_CONTENT_TYPE)
