"""Scoped reads of the reviews: every page and endpoint of the app starts here."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from households.models import Household, Khoi, Member, StatusChange
from households.personal_data import may_see_sensitive
from households.rules import ChangeReason, age_on
from households.scoping import scope_q
from households.selectors import household_detail_queryset, khoi_list
from hungbinh.accounts.models import User
from hungbinh.accounts.roles import Role

from . import rules
from .models import (
    Campaign,
    Certificate,
    Complaint,
    Decision,
    Indicator,
    Meeting,
    MeetingVote,
    Posting,
    Review,
    ReviewEvent,
    ReviewSettings,
    ReviewState,
    Standard,
    UpperLevelReport,
    WardDayOff,
)

# How far a review has come, for the board's cumulative counts.
REACHED = {
    "surveyed": [s for s in ReviewState.values if s not in (ReviewState.LISTED,)],
    "submitted": [
        ReviewState.SUBMITTED,
        ReviewState.VERIFIED,
        ReviewState.AGREED,
        ReviewState.POSTED,
        ReviewState.RECOGNISED,
    ],
    "verified": [ReviewState.VERIFIED, ReviewState.AGREED, ReviewState.POSTED, ReviewState.RECOGNISED],
    "agreed": [ReviewState.AGREED, ReviewState.POSTED, ReviewState.RECOGNISED],
    "posted": [ReviewState.POSTED, ReviewState.RECOGNISED],
    "recognised": [ReviewState.RECOGNISED],
}
OPEN_STATES = [s for s in ReviewState.values if s not in (ReviewState.RECOGNISED, ReviewState.REFUSED)]


def standard_list() -> QuerySet[Standard]:
    return Standard.objects.prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("order", "id")))


def standard_for_status_year(year: int) -> Standard:
    """The standard in force for a status year (ClassificationError when none or several)."""
    standards = list(standard_list())
    key = rules.standard_for_year([s.span() for s in standards], year)
    return next(s for s in standards if s.pk == key)


def campaign_list(*, user) -> QuerySet[Campaign]:
    return Campaign.objects.filter(scope_q(user, ward="ward__", khoi=None)).select_related("ward", "standard")


def campaigns_newest_first(*, user) -> list[Campaign]:
    """The campaigns the user may see, the newest year and month first (the campaigns page)."""
    return list(campaign_list(user=user).order_by("-year", "-month", "kind"))


def review_list(*, user) -> QuerySet[Review]:
    return Review.objects.filter(scope_q(user, ward="campaign__ward__", khoi="khoi_id")).select_related(
        "household", "khoi", "campaign__ward", "assigned_to"
    )


def review_list_with_standard(*, user) -> QuerySet[Review]:
    """The reviews in scope with their campaign's standard and its indicators (the API's answer), by campaign,
    khối and household name: a fixed number of queries whatever the number of reviews."""
    return (
        review_list(user=user)
        .select_related("campaign__standard")
        .prefetch_related("campaign__standard__indicators")
        .order_by("campaign_id", "khoi_id", "household__name_key", "id")
    )


def reviews_by_id(*, user, ids) -> dict[int, Review]:
    """The reviews of these ids that the user may see, by id: one outside the scope (or none) is not there."""
    return {review.pk: review for review in review_list(user=user).filter(pk__in=list(ids))}


def review_detail(*, user, pk: int) -> Review:
    """One review in the user's scope (Review.DoesNotExist otherwise: a 404)."""
    return review_list(user=user).select_related("campaign__standard", "posting", "decision").get(pk=pk)


def review_page(*, user, pk: int) -> Review:
    """One review in the user's scope with what its page shows, the standard's indicators and the household's members
    in their order (Review.DoesNotExist otherwise: a 404)."""
    return (
        review_list(user=user)
        .select_related("campaign__standard", "posting", "decision")
        .prefetch_related(
            "campaign__standard__indicators",
            Prefetch("household__members", queryset=Member.objects.order_by("position", "id")),
        )
        .get(pk=pk)
    )


def review_member_facts(*, user, review: Review, today: date | None = None) -> dict[str, str]:
    """The registry's facts next to the survey's indicators (rules.member_facts) from the household's members
    (`review` read through review_page, its members with it: no query). The dependants' count takes in the
    members with a disability, so a user who may not see disability (the upper level, a unit member) gets the
    facts of ages alone: their page shows no survey to edit today, but nothing should hold the count for it."""
    today = today or timezone.localdate()
    sees_disability = may_see_sensitive(user)
    members = [
        rules.MemberFacts(age=age_on(m.birth_date, today), is_disabled=sees_disability and m.is_disabled)
        for m in review.household.members.all()
    ]
    return rules.member_facts(members, sees_disability=sees_disability)


def meeting_review_list(*, user, campaign: Campaign, khoi: Khoi) -> list[Review]:
    """The khối's verified reviews the user may see, by household name: the households its meeting votes on."""
    return list(
        review_list(user=user)
        .filter(campaign=campaign, khoi=khoi, state=ReviewState.VERIFIED)
        .order_by("household__name_key", "id")
    )


def decision_review_list(*, user, campaign: Campaign) -> list[Review]:
    """The campaign's posted reviews the user may see, by khối then household name: what a decision may recognise."""
    return list(
        review_list(user=user)
        .filter(campaign=campaign, state=ReviewState.POSTED)
        .order_by("khoi__position", "household__name_key", "id")
    )


def application_household_list(*, user, campaign: Campaign, khoi: Khoi) -> list[Household]:
    """The khối's households in the user's scope not yet on the campaign's list, by name: who may apply to it."""
    return list(
        household_detail_queryset(user=user)
        .filter(khoi=khoi)
        .exclude(reviews__campaign=campaign)
        .select_related(None)
        .order_by("name_key", "id")
    )


def khoi_review_list(*, user, campaign: Campaign, khoi: Khoi, today: date | None = None) -> list[Review]:
    """The reviews of one khối in a campaign that the user may see, by household name, each with `overdue`:
    a regular review still open past its due day (rules.is_overdue, the ward's number of days). Two queries."""
    today = today or timezone.localdate()
    reviews = list(review_list(user=user).filter(campaign=campaign, khoi=khoi).order_by("household__name_key", "id"))
    days = settings_for(campaign.ward_id).regular_review_days
    for review in reviews:
        review.overdue = rules.is_overdue(
            kind=campaign.kind, started_on=review.applied_on, closed=review.is_frozen, today=today, days=days
        )
    return reviews


def khoi_committee_list(*, khoi: Khoi) -> list[User]:
    """The khối's active committee members, who may be given its part of a campaign's list.

    `khoi` is already in the user's scope (read through households.selectors.khoi_list).
    """
    return list(User.objects.filter(role=Role.KHOI_MEMBER, khoi=khoi, is_active=True).order_by("last_name", "id"))


def review_certificate(*, review: Review) -> Certificate | None:
    """The certificate (Mẫu số 03) the review's recognition decision gave its household, if any.

    `review` was read through review_list (in the user's scope). Only a decision issues certificates, so a
    review without one is answered without a query.
    """
    if not review.decision_id:
        return None
    return Certificate.objects.filter(review=review).first()


def review_complaints(*, review: Review) -> list[Complaint]:
    """The complaints about a review's posted result, in the order they came in (`review` is in the user's scope)."""
    return list(review.complaints.order_by("received_on", "id"))


def review_complaint_get(*, user, review: Review, pk: int) -> Complaint:
    """One complaint about the review, if the user may see the review (Complaint.DoesNotExist otherwise: a 404,
    as for another review's complaint). Read through the review's complaints, so it knows its review unasked."""
    return review.complaints.filter(scope_q(user, ward="review__campaign__ward__", khoi="review__khoi_id")).get(pk=pk)


def review_events(*, review: Review, limit: int = 20) -> list[ReviewEvent]:
    """The review's latest steps, newest first, with who took them (`review` is in the user's scope)."""
    return list(review.events.select_related("by").order_by("-at", "-id")[:limit])


def campaign_upper_reports(*, campaign: Campaign) -> list[UpperLevelReport]:
    """The campaign's reports to the upper level, oldest first (`campaign` was read through campaign_list)."""
    return list(campaign.upper_reports.order_by("sent_on", "id"))


def campaign_upper_report_get(*, user, campaign: Campaign, pk: int) -> UpperLevelReport:
    """One of the campaign's reports to the upper level, if the user may see the campaign (a ward-level object:
    a khối member sees their ward's); UpperLevelReport.DoesNotExist otherwise, as for another campaign's report.
    Read through the campaign's reports, so it knows its campaign unasked."""
    return campaign.upper_reports.filter(scope_q(user, ward="campaign__ward__", khoi=None)).get(pk=pk)


def campaign_decisions(*, campaign: Campaign) -> list[Decision]:
    """The campaign's recognition decisions, newest first, for its board and papers card: one query.

    `campaign` was read through campaign_list, and a decision is a ward-level object (docs/roles.md), so a khối
    member sees these too. Only their numbers and days are read here: the households a decision names go to the
    user through decision_list's `visible_reviews`.
    """
    return list(campaign.decisions.order_by("-signed_on", "-id"))


def meeting_list(*, user) -> QuerySet[Meeting]:
    """The community meetings of the campaigns and khối the user may see (a khối member: their khối's only)."""
    return Meeting.objects.filter(
        campaign__in=campaign_list(user=user), khoi__in=khoi_list(user=user).values("pk")
    ).select_related("campaign__ward", "khoi")


def meeting_list_with_votes(*, user) -> QuerySet[Meeting]:
    """The meetings in scope (meeting_list) each with its votes in the order they were recorded (the API's answer)."""
    return meeting_list(user=user).prefetch_related(Prefetch("votes", queryset=MeetingVote.objects.order_by("id")))


def posting_list(*, user) -> QuerySet[Posting]:
    """The postings of the campaigns and khối the user may see (a khối member: their khối's only)."""
    return Posting.objects.filter(
        campaign__in=campaign_list(user=user), khoi__in=khoi_list(user=user).values("pk")
    ).select_related("campaign__ward", "khoi")


def decision_list(*, user) -> QuerySet[Decision]:
    """The recognition decisions of the campaigns the user may see, each with `visible_reviews`.

    A decision is a ward-level object, so a khối member sees the decisions of
    their khối's ward (docs/roles.md), but a decision covers the households of
    every khối: `visible_reviews` holds only the reviews in the user's scope (a
    khối member: their own khối's). Read the decision's reviews from there, never
    from `decision.reviews`, whenever the answer goes to the user (the decision
    paper, which lists them all, is refused to a khối member instead).
    """
    visible = review_list(user=user).select_related(None).only("pk", "decision_id").order_by("pk")
    return (
        Decision.objects.filter(campaign__in=campaign_list(user=user))
        .select_related("ward", "campaign__ward")
        .prefetch_related(Prefetch("reviews", queryset=visible, to_attr="visible_reviews"))
    )


def movement_list(*, user) -> QuerySet[StatusChange]:
    """Moves away, dissolutions, splits and moves in of the households in the user's scope, the latest first."""
    return StatusChange.objects.filter(
        reason=ChangeReason.MOVEMENT, household__in=household_detail_queryset(user=user).values("pk")
    ).order_by("-effective_on", "-id")


def settings_for(ward_id: int) -> ReviewSettings:
    return ReviewSettings.objects.filter(ward_id=ward_id).first() or ReviewSettings(ward_id=ward_id)


def review_due_on(review, days_by_ward: dict | None = None) -> date | None:
    """The day a regular review is due, by its ward's own `regular_review_days` (as the board's and the khối
    page's late flags count); None for a yearly review or one not yet applied for. `days_by_ward` keeps the
    wards' settings across the rows of a list: one query per ward, not per review."""
    if review.campaign.kind != rules.REGULAR or review.applied_on is None:
        return None
    cache = {} if days_by_ward is None else days_by_ward
    ward_id = review.campaign.ward_id
    if ward_id not in cache:
        cache[ward_id] = settings_for(ward_id).regular_review_days
    return rules.regular_due_on(review.applied_on, cache[ward_id])


def days_off(ward_id: int, start: date, end: date) -> set[date]:
    """National public holidays (the `holidays` package knows Tết) and the ward's own days off."""
    import holidays

    years = range(start.year, end.year + 1)
    national = set(holidays.country_holidays("VN", years=years))
    own = WardDayOff.objects.filter(ward_id=ward_id, day__range=(start, end)).values_list("day", flat=True)
    return national | set(own)


@dataclass
class BoardRow:
    khoi: Khoi
    listed: int = 0
    surveyed: int = 0
    submitted: int = 0
    verified: int = 0
    agreed: int = 0
    posted: int = 0
    recognised: int = 0
    refused: int = 0
    returned: int = 0
    late: int = 0


def campaign_board(*, user, campaign: Campaign, today: date | None = None) -> list[BoardRow]:
    """Per khối of the campaign's ward in the user's scope: how far its reviews have come, and what is late.

    Late: a regular review past its due day without a decision or refusal; any
    open review of a periodic campaign whose window has closed. Two queries
    whatever the number of households.
    """
    today = today or timezone.localdate()
    khois = list(khoi_list(user=user, ward_id=campaign.ward_id))
    counts = {name: Count("id", filter=Q(state__in=states)) for name, states in REACHED.items()}
    counts["refused"] = Count("id", filter=Q(state=ReviewState.REFUSED))
    counts["returned"] = Count("id", filter=Q(state=ReviewState.RETURNED))
    if campaign.kind == rules.REGULAR:
        days = settings_for(campaign.ward_id).regular_review_days
        late = Q(state__in=OPEN_STATES, applied_on__lt=today - timedelta(days=days))
    else:
        late = Q(state__in=OPEN_STATES) if today > campaign.ends_on else Q(pk__in=[])
    counts["late"] = Count("id", filter=late)
    rows = {
        row["khoi_id"]: row
        for row in Review.objects.filter(campaign=campaign, khoi__in=[k.pk for k in khois])
        .values("khoi_id")
        .annotate(listed=Count("id"), **counts)
    }
    board = []
    for khoi in khois:
        values = rows.get(khoi.pk, {})
        board.append(BoardRow(khoi=khoi, **{k: v for k, v in values.items() if k != "khoi_id"}))
    return board


def latest_recognised_reviews(households) -> QuerySet[Review]:
    """Each household's latest recognised review: its deprivations and causes are the household's own now.

    `households` is a Household queryset (already scoped by the caller). One
    query: the newest decision's review per household (the reports' tables of
    deprivations and of causes of poverty read `deprivations` and `causes`).
    """
    newest = (
        Review.objects.filter(household=OuterRef("household"), state=ReviewState.RECOGNISED)
        .order_by("-closed_on", "-decision_id", "-id")
        .values("id")[:1]
    )
    return Review.objects.filter(
        household__in=households.order_by().values("pk"), state=ReviewState.RECOGNISED, id=Subquery(newest)
    )
