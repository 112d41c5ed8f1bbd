"""Downloads of the review's papers (docs/documents.md, "The review's papers"): thin views over review_papers.

Another ward's or khối's campaign, meeting, posting, decision, certificate or
review is a 404; a ward-wide paper asked for by a khối member is a 403; a paper
whose data is not there yet is a 409 with a Vietnamese sentence saying what is
missing. A paper of more than REPORT_JOB_THRESHOLD rows (or certificates) is
made by the job runner: a browser goes to the job's page, a script gets 202.
"""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import job_kinds, services
from . import review_papers as papers
from .access import report_access
from .pdf import PDF_CONTENT_TYPE, RenderingUnavailable
from .views import _job_json, _plain, _unavailable, _wants_json


def _serve(request, kind: str, **ids):
    try:
        paper = papers.paper_get(user=request.user, kind=kind, **ids)
    except ObjectDoesNotExist:
        raise Http404(_("No such paper.")) from None
    except PermissionDenied as error:
        return _plain(str(error), 403)
    if paper.size > settings.REPORT_JOB_THRESHOLD:
        job = services.job_create(
            user=request.user,
            kind=job_kinds.REVIEW_PAPER_PDF,
            params={"paper": kind, **ids},
            path=request.get_full_path(),
            total=paper.size,
        )
        if _wants_json(request):
            return JsonResponse(_job_json(job), status=202)
        return redirect("report-job", pk=job.pk)
    try:
        content = paper.render()
    except papers.PaperNotReady as error:
        return _plain(error.message, 409)
    except RenderingUnavailable as error:
        return _unavailable(error)
    response = HttpResponse(content, content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{paper.filename}"'
    return response


@require_GET
@report_access
def review_list_pdf(request, campaign_id, khoi_id=None):
    """Phụ lục I: the households to review, of the campaign's ward or of one khối."""
    return _serve(request, "list", pk=campaign_id, khoi_id=khoi_id)


@require_GET
@report_access
def application_pdf(request, pk):
    """Mẫu số 01 or 04: a household's application, filled in for the head to sign; 409 for a listed household."""
    return _serve(request, "application", pk=pk)


@require_GET
@report_access
def meeting_pdf(request, pk):
    """Phụ lục V: the minutes of a khối's community meeting, with the votes per household."""
    return _serve(request, "meeting", pk=pk)


@require_GET
@report_access
def posting_pdf(request, pk):
    """The notice posting a khối's agreed results."""
    return _serve(request, "posting", pk=pk)


@require_GET
@report_access
def decision_pdf(request, pk):
    """Mẫu số 02: the recognition decision with its four lists."""
    return _serve(request, "decision", pk=pk)


@require_GET
@report_access
def decision_certificates_pdf(request, pk):
    """Mẫu số 03: the certificates a decision issued (those of the user's khối for a khối member), one per page."""
    return _serve(request, "decision_certificates", pk=pk)


@require_GET
@report_access
def certificate_pdf(request, pk):
    """Mẫu số 03: one household's certificate."""
    return _serve(request, "certificate", pk=pk)


@require_GET
@report_access
def refusal_pdf(request, pk):
    """A regular review's written refusal with its reasons; 409 while the review is not refused."""
    return _serve(request, "refusal", pk=pk)


@require_GET
@report_access
def campaign_results_pdf(request, campaign_id):
    """The campaign's results per khối and household by household (ward-wide: 403 for a khối member)."""
    return _serve(request, "results", pk=campaign_id)


@require_GET
@report_access
def campaign_results_xlsx(request, campaign_id):
    """The same results as a workbook: the counts, then the households."""
    from .campaign_results import campaign_results, write_campaign_results_xlsx
    from .tables import XLSX_CONTENT_TYPE

    try:
        campaign = papers.campaign_get(user=request.user, pk=campaign_id)
    except ObjectDoesNotExist:
        raise Http404(_("No such paper.")) from None
    try:
        papers.require_ward_wide(request.user)
    except PermissionDenied as error:
        return _plain(str(error), 403)
    size = papers.review_selectors.review_list(user=request.user).filter(campaign=campaign).order_by().count()
    if size > settings.REPORT_JOB_THRESHOLD:
        job = services.job_create(
            user=request.user,
            kind=job_kinds.CAMPAIGN_RESULTS_XLSX,
            params={"pk": campaign.pk},
            path=request.get_full_path(),
            total=size,
        )
        if _wants_json(request):
            return JsonResponse(_job_json(job), status=202)
        return redirect("report-job", pk=job.pk)
    results = campaign_results(user=request.user, campaign=campaign)
    response = HttpResponse(content_type=XLSX_CONTENT_TYPE)
    write_campaign_results_xlsx(results, response)
    response["Content-Disposition"] = f'attachment; filename="{results.filename("xlsx")}"'
    return response
