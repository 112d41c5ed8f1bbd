"""The campaign's results as a page (docs/documents.md, "The campaign's results"): the same counts and
households as the PDF and the workbook, the ward's or one khối's (`?khoi=<id>`), with their downloads."""

from urllib.parse import urlencode

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from households.selectors import khoi_choices

from . import review_papers as papers
from .access import report_access
from .campaign_results import campaign_results
from .review_views import KHOI_QUERY_ERROR, _khoi_query

PAGE_SIZE = 50


@require_GET
@report_access
def campaign_results_page(request, pk):
    """A khối member asking for the ward's results is taken to their own khối's; another khối is a 404."""
    try:
        khoi_id = _khoi_query(request)
    except ValueError:
        return render(request, "reports/campaign_results.html", {"error": str(KHOI_QUERY_ERROR)}, status=400)
    try:
        campaign = papers.campaign_get(user=request.user, pk=pk)
        khoi = None if khoi_id is None else papers.khoi_get(user=request.user, campaign=campaign, pk=khoi_id)
    except ObjectDoesNotExist:
        raise Http404(_("No such campaign or khối.")) from None
    if khoi is None:
        try:
            papers.require_ward_wide(request.user)
        except PermissionDenied:
            return redirect(f"{reverse('report-campaign-results', args=[campaign.pk])}?khoi={request.user.khoi_id}")
    results = campaign_results(user=request.user, campaign=campaign, khoi=khoi)
    query = urlencode({"khoi": khoi.pk}) if khoi else ""
    suffix = f"?{query}" if query else ""
    context = {
        "campaign": campaign,
        "khoi": khoi,
        "results": results,
        "surveyed": results.total["surveyed"],
        "page": Paginator(results.rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query,
        "links": {
            "pdf": reverse("report-campaign-results-pdf", args=[campaign.pk]) + suffix,
            "xlsx": reverse("report-campaign-results-xlsx", args=[campaign.pk]) + suffix,
        },
        # The khối chooser, for those who see every khối of the ward.
        "khois": khoi_choices(user=request.user, ward_id=campaign.ward_id),
    }
    return render(request, "reports/campaign_results.html", context)
