"""Downloads of the review's papers (docs/documents.md, "The review's papers"): thin views over review_papers.

Another ward's or khối's campaign, meeting, posting, decision, certificate or
review is a 404; a ward-wide paper asked for by a khối member is a 403; a paper
whose data is not there yet is a 409 with a Vietnamese sentence saying what is
missing.
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import review_papers as papers
from .access import report_access
from .pdf import PDF_CONTENT_TYPE, RenderingUnavailable
from .views import _plain, _unavailable


def _get(read, **kwargs):
    try:
        return read(**kwargs)
    except ObjectDoesNotExist:
        raise Http404(_("No such paper.")) from None


def _ward_wide(user):
    """None when the user may have a ward-wide paper, else the 403 saying why (a khối member)."""
    try:
        papers.require_ward_wide(user)
    except PermissionDenied as error:
        return _plain(str(error), 403)
    return None


def _pdf(render, filename: str):
    try:
        content = render()
    except papers.PaperNotReady as error:
        return _plain(error.message, 409)
    except RenderingUnavailable as error:
        return _unavailable(error)
    response = HttpResponse(content, content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _paper(template: str, build, *args):
    def render():
        document, context = build(*args)
        return papers.render_paper(template, document, context)

    return render


@require_GET
@report_access
def review_list_pdf(request, campaign_id, khoi_id=None):
    """Phụ lục I: the households to review, of the campaign's ward or of one khối."""
    campaign = _get(papers.campaign_get, user=request.user, pk=campaign_id)
    khoi = None
    if khoi_id is None:
        if refused := _ward_wide(request.user):
            return refused
    else:
        khoi = _get(papers.khoi_get, user=request.user, campaign=campaign, pk=khoi_id)

    def build():
        return papers.review_list_paper(user=request.user, campaign=campaign, khoi=khoi)

    return _pdf(_paper("household_list.html", build), papers.review_list_filename(campaign, khoi))


@require_GET
@report_access
def meeting_pdf(request, pk):
    """Phụ lục V: the minutes of a khối's community meeting, with the votes per household."""
    meeting = _get(papers.meeting_get, user=request.user, pk=pk)
    return _pdf(_paper("meeting.html", papers.meeting_paper, meeting), papers.meeting_filename(meeting))


@require_GET
@report_access
def posting_pdf(request, pk):
    """The notice posting a khối's agreed results."""
    posting = _get(papers.posting_get, user=request.user, pk=pk)
    return _pdf(_paper("posting.html", papers.posting_paper, posting), papers.posting_filename(posting))


@require_GET
@report_access
def decision_pdf(request, pk):
    """Mẫu số 02: the recognition decision with its four lists."""
    decision = _get(papers.decision_get, user=request.user, pk=pk)
    if refused := _ward_wide(request.user):
        return refused
    return _pdf(_paper("decision.html", papers.decision_paper, decision), papers.decision_filename(decision))


def _certificates_pdf(certificates, filename: str, empty_message: str):
    def render():
        found = papers.certificate_papers(certificates)
        if not found:
            raise papers.PaperNotReady(empty_message)
        return papers.render_certificates(found)

    return _pdf(render, filename)


@require_GET
@report_access
def decision_certificates_pdf(request, pk):
    """Mẫu số 03: the certificates a decision issued (those of the user's khối for a khối member), one per page."""
    decision = _get(papers.decision_get, user=request.user, pk=pk)
    certificates = papers.certificate_list(user=request.user).filter(review__decision=decision)
    message = _(
        "Decision %(number)s issued no certificate you may see: certificates are issued to the poor and "
        "near-poor households it recognises."
    ) % {"number": decision.number}
    return _certificates_pdf(certificates, papers.decision_filename(decision).replace("quyet-dinh", "gcn"), message)


@require_GET
@report_access
def certificate_pdf(request, pk):
    """Mẫu số 03: one household's certificate."""
    certificate = _get(lambda **kw: papers.certificate_list(**kw).get(pk=pk), user=request.user)
    certificates = papers.certificate_list(user=request.user).filter(pk=certificate.pk)
    return _certificates_pdf(certificates, f"gcn-{certificate.year}-{certificate.serial}.pdf", "")


@require_GET
@report_access
def refusal_pdf(request, pk):
    """A regular review's written refusal with its reasons; 409 while the review is not refused."""
    review = _get(papers.review_get, user=request.user, pk=pk)
    return _pdf(_paper("refusal.html", papers.refusal_paper, review), papers.refusal_filename(review))
