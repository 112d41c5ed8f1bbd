"""Downloads (the report URLs of the README, relied on by scripts) and the job pages.

Thin views over the builders, services and selectors of the reports app.
"""

import tempfile

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from hungbinh.workbooks import XLSX_CONTENT_TYPE

from . import job_kinds, selectors, services
from .access import report_access
from .household_lists import (
    ListRequestError,
    household_list_build,
    household_list_count,
    household_list_filterset,
    render_household_list_pdf,
)
from .jobs import LABELS
from .models import Job
from .pdf import PDF_CONTENT_TYPE, RenderingUnavailable


def _plain(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _unavailable(error: RenderingUnavailable) -> HttpResponse:
    return _plain(error.message, 503)


def _request_error(error: ListRequestError | selectors.ReportRequestError):
    """The answer to a list or report that cannot be given: 404 and 403 as Django's pages, else plain text."""
    if error.status == 404:
        raise Http404(error.message)
    if error.status == 403:
        raise PermissionDenied(error.message)
    return _plain(error.message, error.status)


def _page_request_error(request, template: str, error: selectors.ReportRequestError):
    """A period the page cannot read is said on the page itself (400); a unit out of scope is 404 or 403."""
    if error.status != 400:
        return _request_error(error)
    return render(request, template, {"error": error.message}, status=400)


def _document_response(report, extension: str, render_pdf, write_xlsx):
    """A report as a PDF download or as a workbook streamed from a temporary file; 503 when PDFs cannot be made."""
    if extension == "pdf":
        try:
            content = render_pdf(report)
        except RenderingUnavailable as error:
            return _unavailable(error)
        response = HttpResponse(content, content_type=PDF_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{report.filename("pdf")}"'
        return response
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    write_xlsx(report, output)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=report.filename("xlsx"), content_type=XLSX_CONTENT_TYPE)


def _wants_json(request) -> bool:
    return getattr(request, "auth_by_token", False) or "application/json" in request.headers.get("Accept", "")


def _start_job(request, kind: str, total: int, params: dict | None = None):
    """Hand a large list to the job runner: a browser goes to the job's page, a script gets 202 and the URLs.

    The job's parameters are the query string's unless `params` says otherwise (the review papers name their
    object in the path)."""
    job = services.job_create(
        user=request.user,
        kind=kind,
        params=request.GET.dict() if params is None else params,
        path=request.get_full_path(),
        total=total,
    )
    if _wants_json(request):
        return JsonResponse(_job_json(job), status=202)
    return redirect("report-job", pk=job.pk)


# --- Household lists -------------------------------------------------------------------


@require_GET
@report_access
def households_pdf(request):
    """The household list with the API's filters, as a landscape document; `show_ids=1` adds the heads' ID numbers."""
    user = request.user
    try:
        total = household_list_count(user=user, params=request.GET)
        if total > settings.REPORT_JOB_THRESHOLD:
            return _start_job(request, job_kinds.HOUSEHOLD_LIST_PDF, total)
        household_list = household_list_build(user=user, params=request.GET)
    except ListRequestError as error:
        return _request_error(error)
    response = _document_response(household_list, "pdf", render_household_list_pdf, write_xlsx=None)
    if response.status_code == 200:  # a 503 gave out no document
        job_kinds.log_list_export(user, request.get_full_path(), household_list)
    return response


@require_GET
@report_access
def households_xlsx(request):
    """The household list with the API's filters, in the import workbook format.

    ID numbers are masked unless the user asks for them (`show_ids=1`) and may
    see them; every export is logged (docs/personal-data.md).
    """
    user = request.user
    try:
        filterset = household_list_filterset(user=user, params=request.GET)
        disclosure = job_kinds.export_disclosure(user, request.GET)
    except ListRequestError as error:
        return _request_error(error)
    total = filterset.qs.order_by().count()
    if total > settings.REPORT_JOB_THRESHOLD:
        return _start_job(request, job_kinds.HOUSEHOLD_LIST_XLSX, total)
    # The workbook is built in a temporary file, not in memory, then streamed.
    output = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    try:
        heading = job_kinds.write_list_xlsx(
            user=user,
            filterset=filterset,
            disclosure=disclosure,
            output=output,
            path=request.get_full_path(),
            total=total,
        )
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=heading.filename("xlsx"), content_type=XLSX_CONTENT_TYPE)


# --- The plan ----------------------------------------------------------------------------


@require_GET
@report_access
def plan_pdf(request, pk):
    """The issued plan as the official KẾ HOẠCH; a draft gets a message saying why there is no document yet."""
    from projects.models import Plan

    from .plans import PlanNotIssued, plan_filename, plan_get, render_plan_pdf

    try:
        plan = plan_get(user=request.user, pk=pk)
    except Plan.DoesNotExist:
        raise Http404(_("No such plan.")) from None
    try:
        content = render_plan_pdf(plan)
    except PlanNotIssued as error:
        return _plain(error.message, 409)
    except RenderingUnavailable as error:
        return _unavailable(error)
    response = HttpResponse(content, content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{plan_filename(plan)}"'
    return response


# --- Jobs ------------------------------------------------------------------------------------


def _job_json(job: Job) -> dict:
    return {
        "id": str(job.pk),
        "kind": job.kind,
        "state": job.state,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "message": job.message,
        "filename": job.filename,
        "status_url": reverse("report-job-status", kwargs={"pk": job.pk}),
        "page_url": reverse("report-job", kwargs={"pk": job.pk}),
        "download_url": reverse("report-job-download", kwargs={"pk": job.pk}) if job.state == Job.State.DONE else None,
    }


def _job(request, pk) -> Job:
    try:
        return selectors.job_get(user=request.user, pk=pk)
    except Job.DoesNotExist:
        raise Http404(_("No such job.")) from None


@require_GET
@report_access
def job_list(request):
    jobs = selectors.latest_jobs(user=request.user)
    for job in jobs:
        job.label = LABELS.get(job.kind, job.kind)
    return render(request, "reports/job_list.html", {"jobs": jobs})


@require_GET
@report_access
def job_detail(request, pk):
    job = _job(request, pk)
    return render(
        request,
        "reports/job_detail.html",
        {
            "job": job,
            "label": LABELS.get(job.kind, job.kind),
            "can_retry": services.job_can_retry(job),
            "status_url": reverse("report-job-status", kwargs={"pk": job.pk}),
        },
    )


@require_GET
@report_access
def job_status(request, pk):
    return JsonResponse(_job_json(_job(request, pk)))


@require_GET
@report_access
def job_download(request, pk):
    job = _job(request, pk)
    if job.state != Job.State.DONE:
        message = _("The file is not ready yet: the job is “%(state)s”.") % {"state": job.get_state_display()}
        if _wants_json(request):
            return JsonResponse({"detail": message, **_job_json(job)}, status=409)
        return redirect("report-job", pk=job.pk)
    try:
        handle = job.file.open("rb")
    except (FileNotFoundError, OSError):
        message = _("The file of this job is no longer stored (it was removed). Run the job again to make it anew.")
        if _wants_json(request):
            return JsonResponse({"detail": message, **_job_json(job)}, status=410)
        context = {"job": job, "label": LABELS.get(job.kind, job.kind), "can_retry": True, "gone": message}
        return render(request, "reports/job_detail.html", context, status=410)
    return FileResponse(handle, as_attachment=True, filename=job.filename, content_type=job.content_type)


@require_POST
@report_access
def job_retry(request, pk):
    job = _job(request, pk)
    try:
        job = services.job_retry(user=request.user, job=job)
    except Job.DoesNotExist:
        raise Http404(_("No such job.")) from None
    except services.JobNotRetryable as error:
        if _wants_json(request):
            return JsonResponse({"detail": error.message, **_job_json(job)}, status=409)
        return redirect("report-job", pk=job.pk)
    if _wants_json(request):
        return JsonResponse(_job_json(job), status=202)
    return redirect("report-job", pk=job.pk)


# --- Review-result tables (docs/reports.md) ------------------------------------------------


def _unit_report(request, level: str, unit_id: int, period_text: str, document: job_kinds.UnitDocument):
    """The unit (scoped), the parsed period and the builder of its `document` (job_kinds.RESULTS or LISTS);
    ReportRequestError when either cannot be given. The review-result tables and the detailed lists are asked for
    the same way."""
    period = selectors.period_get(period_text)
    unit = selectors.report_unit_get(user=request.user, level=level, unit_id=unit_id)
    return unit, period, (lambda: document.build(level, unit, period))


def _results_too_large(level: str, unit) -> int | None:
    """The households counted when the tables are large enough to be a job (a ward too: a city-sized ward of
    100,000 households took 20 s in a web worker), else None."""
    total = selectors.unit_household_count(level=level, unit=unit)
    return total if total > settings.REPORT_TABLE_JOB_THRESHOLD else None


@require_GET
@report_access
def results_page(request, level, unit_id, period):
    try:
        unit, parsed, build = _unit_report(request, level, unit_id, period, job_kinds.RESULTS)
    except selectors.ReportRequestError as error:
        return _page_request_error(request, "reports/results.html", error)
    report = build()
    links = {
        extension: reverse(
            f"report-results-{extension}", kwargs={"level": level, "unit_id": unit_id, "period": parsed.key}
        )
        for extension in ("pdf", "xlsx")
    }
    charts = [
        {
            "url": reverse(
                "report-results-chart", kwargs={"level": level, "unit_id": unit_id, "period": parsed.key, "name": name}
            ),
            "alt": alt,
        }
        for name, alt in (
            ("rates", _("Poverty and near-poverty rates per unit")),
            ("trend", _("Poverty and near-poverty rates over the years")),
        )
    ]
    context = {"report": report, "links": links, "level": level, "unit": unit, "charts": charts}
    return render(request, "reports/results.html", context)


@require_GET
@report_access
def results_chart(request, level, unit_id, period, name):
    """A chart of the tables as SVG, drawn on the server (the page shows it as an image; the PDF embeds it)."""
    from .result_documents import CHARTS, report_chart

    if name not in CHARTS:
        raise Http404(_("No such chart."))
    try:
        unit, parsed, _build = _unit_report(request, level, unit_id, period, job_kinds.RESULTS)
    except selectors.ReportRequestError as error:
        return _request_error(error)
    svg = report_chart(level, unit, parsed, name)
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


def _unit_download(request, level, unit_id, period, extension, document: job_kinds.UnitDocument):
    """A unit's tables or lists as a PDF or a workbook, or a job over a large unit; a copy given out of a document
    that names people is logged."""
    from django.utils import translation

    try:
        unit, parsed, build = _unit_report(request, level, unit_id, period, document)
    except selectors.ReportRequestError as error:
        return _request_error(error)
    total = _results_too_large(level, unit)
    if total is not None:
        params = {"level": level, "unit_id": unit_id, "period": parsed.key}
        return _start_job(request, document.kind(extension), total, params=params)
    with translation.override("vi"):
        built = build()
    functions = document.functions()
    response = _document_response(built, extension, functions.render_pdf, functions.write_xlsx)
    if document.log is not None and response.status_code == 200:  # a 503 gave out no document
        document.log(request.user, request.get_full_path(), built)
    return response


@require_GET
@report_access
def results_pdf(request, level, unit_id, period):
    return _unit_download(request, level, unit_id, period, "pdf", job_kinds.RESULTS)


@require_GET
@report_access
def results_xlsx(request, level, unit_id, period):
    return _unit_download(request, level, unit_id, period, "xlsx", job_kinds.RESULTS)


# --- Detailed lists of poor and near-poor households (docs/reports.md) ---------------------------


@require_GET
@report_access
def lists_page(request, level, unit_id, period):
    """One class at a time (`?status=near_poor`, poor by default), 50 households a page with their members."""
    from urllib.parse import urlencode

    from households.rules import Status

    from .detailed_lists import lists_page as build_page

    try:
        unit, parsed, _build = _unit_report(request, level, unit_id, period, job_kinds.LISTS)
    except selectors.ReportRequestError as error:
        return _page_request_error(request, "reports/lists.html", error)
    status = request.GET.get("status")
    status = status if status in (Status.POOR, Status.NEAR_POOR) else Status.POOR
    kwargs = {"level": level, "unit_id": unit_id, "period": parsed.key}
    links = {ext: reverse("report-lists-file", kwargs={**kwargs, "extension": ext}) for ext in ("pdf", "xlsx")}
    links["results"] = reverse("report-results", kwargs=kwargs)
    report = build_page(level, unit, parsed, status, request.GET.get("page"))
    job_kinds.log_detailed_lists(request.user, request.get_full_path(), report, channel="view")
    classes = [
        {
            "status": value,
            "label": label,
            "households": report.counts[value][0],
            "persons": report.counts[value][1],
            "query": urlencode({"status": value}),
        }
        for value, label in ((Status.POOR, _("Poor households")), (Status.NEAR_POOR, _("Near-poor households")))
    ]
    context = {
        "report": report,
        "links": links,
        "classes": classes,
        "shown": next(c for c in classes if c["status"] == status),
        "page": report.page,
        "query": urlencode({"status": status}),
    }
    return render(request, "reports/lists.html", context)


@require_GET
@report_access
def lists_download(request, level, unit_id, period, extension):
    """The lists as a landscape PDF or a workbook; a consolidated one over a large unit runs as a job."""
    return _unit_download(request, level, unit_id, period, extension, job_kinds.LISTS)


# --- The reports page and the population figures ----------------------------------------------


@require_GET
@report_access
def report_index(request):
    """Which tables the user may open, for a year (`?year=`), and where the ward enters its figures."""
    from django.utils import timezone

    from households.selectors import ward_list

    from .periods import periods_of_year

    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        selectors.period_get(str(year))
    except (ValueError, selectors.ReportRequestError):
        year = today.year
    wards = list(ward_list(user=request.user)) if selectors.may_see_ward_reports(request.user) else []
    units = selectors.submission_upper_units(user=request.user)
    periods = periods_of_year(year)[:3]
    context = {
        "year": year,
        "years": list(range(today.year - 3, today.year + 1)),
        "periods": periods,
        "wards": wards,
        "units": units,
        "may_enter_population": services.may_enter_population(request.user),
    }
    return render(request, "reports/index.html", context)


@report_access
def population_page(request, ward_id, year):
    """The year's total households and persons per khối: ward staff enter them, the upper level reads them."""
    from .forms import PopulationForm

    try:
        ward = selectors.report_ward_get(user=request.user, ward_id=ward_id)
        selectors.period_get(str(year))
    except selectors.ReportRequestError as error:
        return _request_error(error)
    may_edit = services.may_enter_population(request.user)
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied(_("Your role may not enter the population figures."))
    khois = selectors.population_khois(ward=ward)
    figures = selectors.population_figures(ward=ward, year=year)
    saved = None
    form = PopulationForm(request.POST if request.method == "POST" else None, khois=khois, figures=figures)
    if form.is_bound and form.is_valid():
        saved = services.population_save(by=request.user, ward=ward, year=year, figures=form.figures())
        form = PopulationForm(khois=khois, figures=selectors.population_figures(ward=ward, year=year))
    context = {
        "ward": ward,
        "year": year,
        "form": form,
        "may_edit": may_edit,
        "saved": saved,
        "khoi_count": len(form.khois),
    }
    return render(request, "reports/population.html", context)


# --- Submissions to the upper level ------------------------------------------------------


SUBMISSION_STATE_LABELS = {
    "on_time": gettext_lazy("Submitted on time"),
    "submitted_late": gettext_lazy("Submitted late"),
    "late": gettext_lazy("Late: not submitted"),
    "not_due": gettext_lazy("Not submitted yet"),
}
DEADLINE_LABELS = {
    "preliminary": gettext_lazy("Preliminary results"),
    "official": gettext_lazy("Official results"),
    "report": gettext_lazy("Report"),
}


@require_GET
@report_access
def submission_page(request):
    """Per period: which wards submitted (every version, downloadable), which are late; ward staff submit here."""
    from django.utils import timezone

    from . import rules
    from .models import Submission
    from .periods import submission_period, submission_periods, year_period

    today = timezone.localdate()
    try:
        period = selectors.period_get(request.GET.get("period") or submission_period(today).key)
    except selectors.ReportRequestError as error:
        period, error_message = year_period(today.year), error.message
    else:
        error_message = ""
    kind = request.GET.get("kind")
    kind = kind if kind in Submission.Kind.values else Submission.Kind.RESULTS
    rows = selectors.submission_overview(user=request.user, period=period, kind=kind, today=today)
    for row in rows:
        row["state_label"] = SUBMISSION_STATE_LABELS[row["state"]]
        for item in row["deadlines"]:
            item["label"] = DEADLINE_LABELS[item["deadline"].key]
            item["state_label"] = SUBMISSION_STATE_LABELS[item["state"]]
    context = {
        "period": period,
        "periods": submission_periods(today),
        "rows": rows,
        "may_submit": services.may_enter_population(request.user),
        "error": error_message,
        "kind": kind,
        "kinds": Submission.Kind.choices,
        "upper_units": selectors.submission_upper_units(user=request.user),
        # The year's review-result tables: the officer says whether they are the preliminary or the official ones.
        "stages": Submission.Stage.choices if rules.has_stages(kind=kind, period=period) else [],
        "default_stage": rules.default_stage(kind=kind, period=period, today=today),
    }
    return render(request, "reports/submissions.html", context, status=400 if error_message else 200)


@require_POST
@report_access
def submission_submit(request, ward_id, period):
    from .models import Submission

    try:
        ward = selectors.submission_ward_get(user=request.user, ward_id=ward_id)
        parsed = selectors.period_get(period)
        kind = request.POST.get("kind", Submission.Kind.RESULTS)
        if kind not in Submission.Kind.values:
            raise selectors.ReportRequestError(_("Choose which report to submit."), 400)
        submission = services.submission_create(
            by=request.user, ward=ward, kind=kind, period=parsed, stage=request.POST.get("stage") or None
        )
    except selectors.ReportRequestError as error:
        return _request_error(error)
    except services.SubmissionRefused as error:
        if error.status == 403:
            raise PermissionDenied(error.message) from None
        if _wants_json(request):
            return JsonResponse({"detail": error.message}, status=error.status)
        return _plain(error.message, error.status)
    except RenderingUnavailable as error:
        return _unavailable(error)
    if _wants_json(request):
        return JsonResponse({"id": submission.pk, "version": submission.version, "stage": submission.stage}, status=201)
    return redirect(f"{reverse('report-submissions')}?period={parsed.key}&kind={kind}")


@require_GET
@report_access
def submission_download(request, pk, extension):
    return submission_file_response(request.user, pk, extension)


def submission_file_response(user, pk, extension):
    """The frozen file as it was stored, with its checksum in a header; 404 outside the user's scope."""
    from .models import Submission

    try:
        submission = selectors.submission_get(user=user, pk=pk)
    except Submission.DoesNotExist:
        raise Http404(_("No such submitted report.")) from None
    field = submission.pdf if extension == "pdf" else submission.xlsx
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError):
        return _plain(_("The file of this submitted report is no longer stored."), 410)
    content_type = PDF_CONTENT_TYPE if extension == "pdf" else XLSX_CONTENT_TYPE
    response = FileResponse(
        handle, as_attachment=True, filename=field.name.rsplit("/", 1)[-1], content_type=content_type
    )
    response["X-Checksum-SHA256"] = submission.pdf_sha256 if extension == "pdf" else submission.xlsx_sha256
    return response


# --- The progress report (BÁO CÁO) ---------------------------------------------------------


@require_GET
@report_access
def progress_download(request, ward_id, period, extension):
    """The ward's progress report for a period: the official BÁO CÁO (PDF) or a workbook with a sheet per table."""
    from django.utils import translation

    from .progress import progress_report, render_progress_pdf, write_progress_xlsx

    try:
        ward = selectors.report_ward_get(user=request.user, ward_id=ward_id)
        parsed = selectors.period_get(period)
    except selectors.ReportRequestError as error:
        return _request_error(error)
    with translation.override("vi"):
        report = progress_report(ward, parsed)
    return _document_response(report, extension, render_progress_pdf, write_progress_xlsx)
