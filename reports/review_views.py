"""Downloads of the review's papers (docs/documents.md, "The review's papers"): thin views over review_papers.

One view serves every paper: the URL names the paper (`review_papers.PAPER_KINDS`) and its object.
Another ward's or khối's campaign, meeting, posting, decision, certificate or review is a 404; a
ward-wide paper asked for by a khối member is a 403; a paper whose data is not there yet is a 409
with a Vietnamese sentence saying what is missing. A paper of more than REPORT_JOB_THRESHOLD rows
(or certificates) is made by the job runner: a browser goes to the job's page, a script gets 202.
"""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from hungbinh.workbooks import XLSX_CONTENT_TYPE

from . import job_kinds
from . import review_papers as papers
from .access import report_access
from .pdf import PDF_CONTENT_TYPE, RenderingUnavailable
from .views import _plain, _start_job, _unavailable


def _attachment(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _khoi_query(request) -> int | None:
    """`?khoi=<id>` of the campaign's results: one khối's (None: the ward's). ValueError when not an id."""
    value = request.GET.get("khoi", "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise ValueError(value)
    return int(value)


KHOI_QUERY_ERROR = gettext_lazy("“khoi” must be the number (id) of a khối of the campaign's ward.")


@require_GET
@report_access
def paper_pdf(request, paper: str, pk: int, khoi_id: int | None = None):
    """The review paper `paper` of object `pk` (for a khối's list, also `khoi_id`; the results take `?khoi=`)."""
    if paper == "results" and khoi_id is None:
        try:
            khoi_id = _khoi_query(request)
        except ValueError:
            return _plain(str(KHOI_QUERY_ERROR), 400)
    try:
        found = papers.paper_get(user=request.user, kind=paper, pk=pk, khoi_id=khoi_id)
    except ObjectDoesNotExist:
        raise Http404(_("No such paper.")) from None
    except PermissionDenied as error:
        return _plain(str(error), 403)
    if found.size > settings.REPORT_JOB_THRESHOLD:
        params = {"paper": paper, "pk": pk} | ({"khoi_id": khoi_id} if khoi_id is not None else {})
        return _start_job(request, job_kinds.REVIEW_PAPER_PDF, found.size, params=params)
    try:
        content = found.render()
    except papers.PaperNotReady as error:
        return _plain(error.message, 409)
    except RenderingUnavailable as error:
        return _unavailable(error)
    return _attachment(content, PDF_CONTENT_TYPE, found.filename)


@require_GET
@report_access
def campaign_results_xlsx(request, pk):
    """The campaign's results as a workbook: the counts per khối, then the households (the ward's, or
    with `?khoi=` one khối's)."""
    from .campaign_results import campaign_results, write_campaign_results_xlsx

    try:
        khoi_id = _khoi_query(request)
    except ValueError:
        return _plain(str(KHOI_QUERY_ERROR), 400)
    try:
        campaign = papers.campaign_get(user=request.user, pk=pk)
        khoi = None if khoi_id is None else papers.khoi_get(user=request.user, campaign=campaign, pk=khoi_id)
    except ObjectDoesNotExist:
        raise Http404(_("No such paper.")) from None
    try:
        if khoi is None:
            papers.require_ward_wide(request.user)
    except PermissionDenied as error:
        return _plain(str(error), 403)
    reviews = papers.review_selectors.review_list(user=request.user).filter(campaign=campaign)
    size = (reviews if khoi is None else reviews.filter(khoi=khoi)).order_by().count()
    if size > settings.REPORT_JOB_THRESHOLD:
        params = {"pk": campaign.pk} | ({"khoi_id": khoi.pk} if khoi else {})
        return _start_job(request, job_kinds.CAMPAIGN_RESULTS_XLSX, size, params=params)
    results = campaign_results(user=request.user, campaign=campaign, khoi=khoi)
    response = _attachment(b"", XLSX_CONTENT_TYPE, results.filename("xlsx"))
    write_campaign_results_xlsx(results, response)
    return response
