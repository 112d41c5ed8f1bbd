"""Links to the review's papers (docs/documents.md, "The review's papers") from the reviews pages.

`{% load review_papers %}` then `{% campaign_papers campaign decisions %}`, `{% khoi_papers campaign khoi %}` or
`{% review_papers review certificate %}`: a short card of download links, only those the user may download.
The page has read the campaign, khối and review in the user's scope, and hands over what it read already (the
board's decisions, the review's certificate); what more a card needs is read through reviews.selectors. A constant
number of queries whatever the size of the campaign.
"""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from hungbinh.accounts.roles import Role, role_of
from reviews import selectors
from reviews.models import ReviewSource, ReviewState

register = template.Library()
TEMPLATE = "reports/includes/review_papers.html"


def _ward_wide(user) -> bool:
    return role_of(user) != Role.KHOI_MEMBER


@register.inclusion_tag(TEMPLATE, takes_context=True)
def campaign_papers(context, campaign, decisions):
    """The ward's list of households to review, and each decision (the board's, read by
    reviews.selectors.campaign_decisions) with its certificates."""
    user = context["request"].user
    links = []
    if _ward_wide(user):
        links.append(
            (_("List of households to review (Phụ lục I)"), reverse("report-review-list-pdf", args=[campaign.pk]))
        )
        links.append((_("Campaign results (PDF)"), reverse("report-campaign-results-pdf", args=[campaign.pk])))
        links.append((_("Campaign results (Excel)"), reverse("report-campaign-results-xlsx", args=[campaign.pk])))
    for decision in decisions:
        if _ward_wide(user):
            links.append(
                (
                    _("Decision %(number)s (Mẫu số 02)") % {"number": decision.number},
                    reverse("report-decision-pdf", args=[decision.pk]),
                )
            )
        links.append(
            (
                _("Certificates of decision %(number)s (Mẫu số 03)") % {"number": decision.number},
                reverse("report-decision-certificates-pdf", args=[decision.pk]),
            )
        )
    return {"links": links}


@register.inclusion_tag(TEMPLATE, takes_context=True)
def khoi_papers(context, campaign, khoi):
    """The khối's list, the minutes of each of its meetings and the notice of each posting."""
    user = context["request"].user
    links = [
        (
            _("List of households to review (Phụ lục I)"),
            reverse("report-review-khoi-list-pdf", args=[campaign.pk, khoi.pk]),
        )
    ]
    results = f"?khoi={khoi.pk}"
    links.append((_("Results of the khối (PDF)"), reverse("report-campaign-results-pdf", args=[campaign.pk]) + results))
    links.append(
        (_("Results of the khối (Excel)"), reverse("report-campaign-results-xlsx", args=[campaign.pk]) + results)
    )
    for meeting in selectors.meeting_list(user=user).filter(campaign=campaign, khoi=khoi).order_by("held_on", "pk"):
        links.append(
            (
                _("Minutes of the meeting of %(day)s (Phụ lục V)") % {"day": f"{meeting.held_on:%d/%m/%Y}"},
                reverse("report-meeting-pdf", args=[meeting.pk]),
            )
        )
    for posting in selectors.posting_list(user=user).filter(campaign=campaign, khoi=khoi).order_by("starts_on", "pk"):
        links.append(
            (
                _("Posting notice of %(day)s") % {"day": f"{posting.starts_on:%d/%m/%Y}"},
                reverse("report-posting-pdf", args=[posting.pk]),
            )
        )
    return {"links": links}


@register.inclusion_tag(TEMPLATE)
def review_papers(review, certificate=None):
    """A household's application form, its certificate (the page's, read by reviews.selectors.review_certificate),
    or its refusal letter."""
    links = []
    if review.source in (ReviewSource.FORM_01, ReviewSource.FORM_04):
        links.append(
            (
                _("Application (Mẫu số %(number)s)")
                % {"number": "04" if review.source == ReviewSource.FORM_04 else "01"},
                reverse("report-application-pdf", args=[review.pk]),
            )
        )
    if certificate is not None:
        links.append(
            (
                _("Certificate %(number)s (Mẫu số 03)") % {"number": certificate.number},
                reverse("report-certificate-pdf", args=[certificate.pk]),
            )
        )
    if review.state == ReviewState.REFUSED:
        links.append((_("Refusal letter"), reverse("report-refusal-pdf", args=[review.pk])))
    return {"links": links}
