"""Writes of the review workflow, one service per step (docs/reviews.md, "The workflow").

Each service is one transaction that checks the role, the scope and the state
the step starts from, under a row lock (`select_for_update`, ordered by pk), so
that of two people acting on the same review at once only one succeeds; the
other gets a ValidationError naming the state the review is now in. Errors a
user can fix are ValidationErrors with Vietnamese messages keyed by field.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from households import rules as household_rules
from households import services as household_services
from households.models import Household, Khoi, StatusChange, Ward
from households.rules import ChangeReason, Status
from hungbinh.accounts.roles import Role, can_edit_registry, can_manage_ward, can_sign_decisions, role_of

from . import rules, selectors
from .models import (
    Campaign,
    CampaignKind,
    Cause,
    Certificate,
    Complaint,
    Decision,
    Meeting,
    MeetingVote,
    Posting,
    Review,
    ReviewEvent,
    ReviewSource,
    ReviewState,
    UpperLevelReport,
)

S = ReviewState
EDITABLE = (S.LISTED, S.DRAFT, S.RETURNED)


def _today():
    return timezone.localdate()


def _refuse_date(field: str, problem: str | None) -> None:
    """Raise a date rule's problem (reviews.rules) on the date's field; nothing when the rule found none."""
    if problem:
        raise ValidationError({field: problem})


# --- Roles and scope -------------------------------------------------------------------


def _require_ward_staff(user):
    if not can_manage_ward(user):
        raise PermissionDenied(_("Only ward staff may do this step of the review."))


def _require_surveyor(user):
    if not can_edit_registry(user):
        raise PermissionDenied(_("Your role may not survey households."))


def _require_leader(user):
    if not can_sign_decisions(user):
        raise PermissionDenied(_("Only the ward leader may sign a recognition decision."))


def _require_campaign_in_scope(user, campaign: Campaign):
    if not selectors.campaign_list(user=user).filter(pk=campaign.pk).exists():
        raise PermissionDenied(_("This campaign is outside your scope."))


def _lock(user, reviews) -> list[Review]:
    """The reviews again, locked, in pk order; PermissionDenied when one is outside the user's scope."""
    pks = sorted({r.pk for r in reviews})
    locked = list(
        selectors.review_list(user=user)
        .select_related(None)
        .select_related("household", "campaign")
        .select_for_update(of=("self",))
        .filter(pk__in=pks)
        .order_by("pk")
    )
    if len(locked) != len(pks):
        raise PermissionDenied(_("This household review is outside your scope."))
    return locked


def _lock_one(user, review: Review) -> Review:
    return _lock(user, [review])[0]


def _require_state(review: Review, allowed, *, field: str = "state"):
    if review.state in allowed:
        return
    if review.is_frozen:
        raise ValidationError(
            {
                field: _("The review of %(household)s is closed (%(state)s): it can no longer change.")
                % {"household": review.household.code, "state": review.get_state_display()}
            }
        )
    raise ValidationError(
        {
            field: _("The review of %(household)s is “%(state)s”; this step needs it to be %(needed)s.")
            % {
                "household": review.household.code,
                "state": review.get_state_display(),
                "needed": " / ".join(f"“{S(s).label}”" for s in allowed),
            }
        }
    )


def _move(review: Review, to_state: str, *, by, action: str, comment: str = "", extra=()) -> ReviewEvent:
    event = ReviewEvent(
        review=review, by=by, action=action, from_state=review.state, to_state=to_state, comment=comment
    )
    review.state = to_state
    review.version += 1
    review.save(update_fields=["state", "version", "updated_at", *extra])
    event.save()
    return event


# --- Campaigns and the list ---------------------------------------------------------


@transaction.atomic
def campaign_open(*, by, ward: Ward, kind: str, year: int, month: int | None = None) -> Campaign:
    """Open a periodic campaign (listing the ward's current poor and near-poor households) or a month's regular one."""
    _require_ward_staff(by)
    if not _ward_in_scope(by, ward):
        raise PermissionDenied(_("This ward is outside your scope."))
    if kind not in CampaignKind.values:
        raise ValidationError({"kind": _("Choose a periodic or a regular review.")})
    if kind == CampaignKind.PERIODIC:
        month = None
    elif month is None or not 1 <= month <= 12:
        raise ValidationError({"month": _("Choose the month of the regular reviews (1–12).")})
    try:
        standard = selectors.standard_for_status_year(rules.status_year(kind=kind, year=year))
    except rules.ClassificationError as error:
        raise ValidationError({"year": error.message}) from error
    starts_on, ends_on = rules.campaign_window(kind=kind, year=year, month=month)
    if Campaign.objects.filter(ward=ward, kind=kind, year=year, month=month).exists():
        raise ValidationError({"year": _("This campaign is already open.")})
    campaign = Campaign.objects.create(
        ward=ward,
        kind=kind,
        year=year,
        month=month,
        starts_on=starts_on,
        ends_on=ends_on,
        standard=standard,
        opened_by=by,
    )
    if kind == CampaignKind.PERIODIC:
        listed = Household.objects.filter(ward=ward, status__in=(Status.POOR, Status.NEAR_POOR)).values_list(
            "pk", "khoi_id", "status"
        )
        Review.objects.bulk_create(
            (
                Review(campaign=campaign, household_id=pk, khoi_id=khoi_id, from_status=status)
                for pk, khoi_id, status in listed.iterator()
            ),
            batch_size=1000,
        )
    return campaign


def _ward_in_scope(user, ward: Ward) -> bool:
    from households.selectors import ward_list

    return ward_list(user=user).filter(pk=ward.pk).exists()


@transaction.atomic
def review_add_application(
    *,
    by,
    campaign: Campaign,
    form: str,
    applied_on: date,
    household: Household | None = None,
    new_household: dict | None = None,
) -> Review:
    """A household's request (Mẫu số 01 to be reviewed, 04 to be recognised as escaped) adds it to the list.

    An applicant not yet in the registry is registered from the application
    (`new_household`: khoi, code, head_name, address), as not poor since the day it applied.
    """
    _require_surveyor(by)
    _require_campaign_in_scope(by, campaign)
    if form not in (ReviewSource.FORM_01, ReviewSource.FORM_04):
        raise ValidationError({"source": _("Choose the application form: Mẫu số 01 or Mẫu số 04.")})
    _refuse_date("applied_on", rules.application_date_problem(applied_on, today=_today()))
    if household is None and new_household is None:
        raise ValidationError({"household": _("Choose the household, or enter the applicant's household.")})
    if household is None:
        fields = dict(new_household)
        khoi = fields.pop("khoi")
        if khoi.ward_id != campaign.ward_id:
            raise ValidationError({"khoi": _("Choose a khối of the campaign's ward.")})
        household = household_services.household_create(
            by=by, khoi=khoi, status=Status.NOT_POOR, status_since=applied_on, **fields
        )
    else:
        from households.selectors import household_detail_queryset

        if not household_detail_queryset(user=by).filter(pk=household.pk).exists():
            raise PermissionDenied(_("This household is outside your scope."))
        if household.ward_id != campaign.ward_id:
            raise ValidationError({"household": _("The household is not of the campaign's ward.")})
    if form == ReviewSource.FORM_04 and household.status not in (Status.POOR, Status.NEAR_POOR):
        raise ValidationError(
            {"source": _("Mẫu số 04 is for a poor or near-poor household asking to be recognised as escaped.")}
        )
    existing = Review.objects.select_for_update().filter(campaign=campaign, household=household).first()
    if existing is not None:
        if existing.source == ReviewSource.LISTED:
            existing.source, existing.applied_on = form, applied_on
            existing.save(update_fields=["source", "applied_on", "updated_at"])
            return existing
        raise ValidationError({"household": _("This household is already on the campaign's list.")})
    review = Review.objects.create(
        campaign=campaign,
        household=household,
        khoi_id=household.khoi_id,
        source=form,
        applied_on=applied_on,
        from_status=household.status,
    )
    ReviewEvent.objects.create(review=review, by=by, action="apply", from_state="", to_state=S.LISTED)
    return review


@transaction.atomic
def campaign_assign(*, by, campaign: Campaign, khoi: Khoi, member) -> int:
    """Give a khối's part of the list to one of its committee members; returns how many reviews."""
    _require_ward_staff(by)
    _require_campaign_in_scope(by, campaign)
    if role_of(member) != Role.KHOI_MEMBER or member.khoi_id != khoi.pk:
        raise ValidationError({"member": _("Choose a committee member of khối %(khoi)s.") % {"khoi": khoi}})
    return Review.objects.filter(campaign=campaign, khoi=khoi, state__in=EDITABLE).update(assigned_to=member)


# --- Survey ------------------------------------------------------------------------------


def _clean_survey(review: Review, fields: dict) -> dict:
    unknown = set(fields) - {"phieu_a_passed", "score_a", "income_per_capita", "deprivations", "causes", "cause_other"}
    if unknown:
        raise ValidationError(_("These fields cannot be set here: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    cleaned = dict(fields)
    if "deprivations" in cleaned:
        cleaned["deprivations"] = sorted(set(cleaned["deprivations"] or []))
    if "causes" in cleaned:
        causes = sorted(set(cleaned["causes"] or []))
        bad = [c for c in causes if c not in Cause.values]
        if bad:
            raise ValidationError({"causes": _("Unknown cause of poverty: %(c)s.") % {"c": ", ".join(bad)}})
        cleaned["causes"] = causes
    return cleaned


def classification(review: Review):
    """The classifier's answer for the review's figures, or the ClassificationError it raises."""
    terms = review.campaign.standard.terms()
    return rules.classify(
        terms,
        area_type=review.campaign.ward.area_type,
        income_per_capita=review.income_per_capita,
        score_a=review.score_a,
        deprivations=review.deprivations,
    )


def _propose(review: Review, *, complete: bool):
    """Set proposed_status and score_b from the figures; `complete` requires a class to be proposable."""
    if review.phieu_a_passed is False:
        # Phiếu A found the applicant clearly outside the lists: no Phiếu B, the class stays.
        review.proposed_status, review.score_b = review.from_status or Status.NOT_POOR, 0
        return
    try:
        result = classification(review)
    except rules.ClassificationError as error:
        nothing_entered = review.income_per_capita is None and review.score_a is None
        if complete or not (nothing_entered and error.field == "income_per_capita"):
            raise ValidationError({error.field: error.message}) from error
        review.proposed_status, review.score_b = "", rules.POINTS_PER_DEPRIVATION * len(review.deprivations)
        return
    review.proposed_status, review.score_b = result.status or "", result.score_b


SURVEY_FIELDS = [
    "phieu_a_passed",
    "score_a",
    "income_per_capita",
    "deprivations",
    "causes",
    "cause_other",
    "proposed_status",
    "score_b",
]


class StaleReview(ValidationError):
    """The review changed after the user read it: nothing was written. A page shows it beside the form; the API
    answers 409 with the current version, as for a household (docs/concurrent-edits.md)."""

    def __init__(self, current_version: int):
        super().__init__({"version": _("Someone else changed this review after you opened it; reload it.")})
        self.current_version = current_version


@transaction.atomic
def review_save(*, by, review: Review, version: int | None = None, **fields) -> Review:
    """Save the survey (a draft): the proposed class is recomputed; bad figures are refused, nothing saved."""
    _require_surveyor(by)
    review = _lock_one(by, review)
    _require_state(review, EDITABLE)
    if version is not None and version != review.version:
        raise StaleReview(review.version)
    for name, value in _clean_survey(review, fields).items():
        setattr(review, name, value)
    _propose(review, complete=False)
    to_state = S.DRAFT if review.state == S.LISTED else review.state
    _move(review, to_state, by=by, action="save", extra=SURVEY_FIELDS)
    return review


@transaction.atomic
def review_submit(*, by, review: Review, **fields) -> Review:
    """Submit the survey for verification; `fields`, when given, are saved with it (all or nothing)."""
    _require_surveyor(by)
    if fields:
        review = review_save(by=by, review=review, **fields)
    review = _lock_one(by, review)
    _require_state(review, EDITABLE)
    _propose(review, complete=True)
    if not review.proposed_status and review.phieu_a_passed is not False:
        raise ValidationError(
            {"proposed_status": _("The class cannot be determined from these figures: enter the income per person.")}
        )
    _move(review, S.SUBMITTED, by=by, action="submit", extra=["proposed_status", "score_b"])
    return review


@transaction.atomic
def review_verify(*, by, review: Review) -> Review:
    _require_ward_staff(by)
    review = _lock_one(by, review)
    _require_state(review, (S.SUBMITTED,))
    _move(review, S.VERIFIED, by=by, action="verify")
    return review


@transaction.atomic
def review_return(*, by, review: Review, comment: str) -> Review:
    _require_ward_staff(by)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Write what the surveyor should check again.")})
    review = _lock_one(by, review)
    _require_state(review, (S.SUBMITTED, S.VERIFIED))
    review.comment = comment
    _move(review, S.RETURNED, by=by, action="return", comment=comment, extra=["comment"])
    return review


# --- Meeting, posting, complaints, upper level -------------------------------------------


@transaction.atomic
def meeting_record(
    *,
    by,
    campaign: Campaign,
    khoi: Khoi,
    held_on: date,
    votes: list[tuple[Review, int]],
    attendees: int | None = None,
    attendance: dict[str, int] | None = None,
    households_represented: int = 0,
    chair: str = "",
    secretary: str = "",
    notes: str = "",
) -> Meeting:
    """Record a khối's meeting; a household agreed by fewer than half of the attendees goes back to the survey.

    `attendance` gives the attendees by group (rules.ATTENDANCE_GROUPS, a missing group is 0), as the minutes
    list them; the total is then their sum, and `attendees`, when given too, must equal it. Without it the
    meeting keeps its total only (the API's older form).
    """
    if not (can_manage_ward(by) or (role_of(by) == Role.KHOI_MEMBER and by.khoi_id == khoi.pk)):
        raise PermissionDenied(_("Only ward staff or the khối's committee may record its meeting."))
    _require_campaign_in_scope(by, campaign)
    if khoi.ward_id != campaign.ward_id:
        raise ValidationError({"khoi": _("Choose a khối of the campaign's ward.")})
    _refuse_date("held_on", rules.meeting_date_problem(held_on, today=_today()))
    groups = {}
    if attendance is not None:
        groups = _attendance_checked(attendance)
        total = rules.attendance_total(groups)
        if attendees is not None and attendees != total:
            raise ValidationError(
                {
                    "attendees": _(
                        "%(attendees)s attendees were entered, but the groups add up to %(total)s: correct one of them."
                    )
                    % {"attendees": attendees, "total": total}
                }
            )
        attendees = total
        if attendees < 1:
            raise ValidationError(
                {"attendance": _("Enter how many people of each group attended (at least 1 in all).")}
            )
    if attendees is None or attendees < 1:
        raise ValidationError({"attendees": _("Enter how many people attended (at least 1).")})
    if not votes:
        raise ValidationError({"votes": _("Enter the votes on at least one household.")})
    errors = []
    for review, agreed in votes:
        if agreed is None or agreed < 0 or agreed > attendees:
            errors.append(
                ngettext(
                    "%(household)s: %(agreed)s agreed, but only %(n)s person attended.",
                    "%(household)s: %(agreed)s agreed, but only %(n)s people attended.",
                    attendees,
                )
                % {"household": review.household.code, "agreed": agreed, "n": attendees}
            )
    if errors:
        raise ValidationError({"votes": errors})
    reviews = _lock(by, [r for r, _a in votes])
    listed = Review.objects.filter(campaign=campaign, khoi=khoi).count()
    if households_represented > listed:
        raise ValidationError(
            {
                "households_represented": ngettext(
                    "Only %(n)s household of the khối is listed.",
                    "Only %(n)s households of the khối are listed.",
                    listed,
                )
                % {"n": listed}
            }
        )
    for review in reviews:
        if review.campaign_id != campaign.pk or review.khoi_id != khoi.pk:
            raise ValidationError({"votes": _("%(h)s is not on this khối's list.") % {"h": review.household.code}})
        _require_state(review, (S.VERIFIED,), field="votes")
    meeting = Meeting.objects.create(
        campaign=campaign,
        khoi=khoi,
        held_on=held_on,
        attendees=attendees,
        **{f"attendees_{group}": n for group, n in groups.items()},
        households_listed=listed,
        households_represented=households_represented,
        chair=chair,
        secretary=secretary,
        notes=notes,
        recorded_by=by,
    )
    agreed_by_pk = {r.pk: a for r, a in votes}
    for review in reviews:
        agreed = agreed_by_pk[review.pk]
        passed = rules.meeting_passed(agreed=agreed, attendees=attendees)
        MeetingVote.objects.create(meeting=meeting, review=review, agreed=agreed, passed=passed)
        review.agreed_votes = agreed
        if passed:
            _move(review, S.AGREED, by=by, action="meeting", extra=["agreed_votes"])
        else:
            review.comment = _(
                "%(agreed)s of %(n)s attendees agreed (fewer than half): survey again for a new meeting."
            ) % {"agreed": agreed, "n": attendees}
            _move(
                review, S.RETURNED, by=by, action="meeting", comment=review.comment, extra=["agreed_votes", "comment"]
            )
    return meeting


def _attendance_checked(attendance: dict[str, int]) -> dict[str, int]:
    problem = rules.attendance_groups_problem(attendance)
    if problem:
        raise ValidationError({"attendance": problem})
    groups = {group: attendance.get(group) or 0 for group in rules.ATTENDANCE_GROUPS}
    negative = [str(Meeting.attendance_label(g)) for g, n in groups.items() if n < 0]
    if negative:
        raise ValidationError(
            {
                "attendance": _("The number of attendees may not be negative: %(groups)s.")
                % {"groups": ", ".join(negative)}
            }
        )
    return groups


@transaction.atomic
def posting_open(*, by, campaign: Campaign, khoi: Khoi, starts_on: date) -> Posting:
    """Post a khối's agreed results; the end is the ward's number of working days later."""
    _require_ward_staff(by)
    _require_campaign_in_scope(by, campaign)
    if khoi.ward_id != campaign.ward_id:
        raise ValidationError({"khoi": _("Choose a khối of the campaign's ward.")})
    reviews = list(
        Review.objects.select_for_update()
        .select_related("household")
        .filter(campaign=campaign, khoi=khoi, state=S.AGREED)
        .order_by("pk")
    )
    if not reviews:
        raise ValidationError({"khoi": _("Khối %(khoi)s has no result agreed at a meeting to post.") % {"khoi": khoi}})
    posting = Posting(campaign=campaign, khoi=khoi, starts_on=starts_on, recorded_by=by)
    posting.ends_on = posting_end(campaign.ward_id, starts_on)
    posting.save()
    for review in reviews:
        review.posting = posting
        _move(review, S.POSTED, by=by, action="post", extra=["posting"])
    return posting


def posting_end(ward_id: int, starts_on: date) -> date:
    days = selectors.settings_for(ward_id).posting_working_days
    # Generously long: even Tết and a ward's own days cannot stretch a few working days past two months.
    window_end = date(starts_on.year + 1, 12, 31)
    return rules.posting_ends_on(starts_on, days, selectors.days_off(ward_id, starts_on, window_end))


@transaction.atomic
def complaint_record(*, by, review: Review, received_on: date, content: str, complainant: str = "") -> Complaint:
    _require_ward_staff(by)
    review = _lock_one(by, review)
    _require_state(review, (S.POSTED,))
    posting = review.posting
    _refuse_date(
        "received_on",
        rules.complaint_received_problem(
            received_on, posting_starts_on=posting.starts_on, posting_ends_on=posting.ends_on, today=_today()
        ),
    )
    if not (content or "").strip():
        raise ValidationError({"content": _("Write what the complaint says.")})
    complaint = Complaint.objects.create(
        posting=posting,
        review=review,
        received_on=received_on,
        complainant=complainant,
        content=content.strip(),
        recorded_by=by,
    )
    ReviewEvent.objects.create(
        review=review,
        by=by,
        action="complaint",
        from_state=review.state,
        to_state=review.state,
        comment=complaint.content,
    )
    return complaint


@transaction.atomic
def complaint_resolve(*, by, complaint: Complaint, upheld: bool, result: str, resolved_on: date) -> Complaint:
    """After the re-check the result is posted again: a founded complaint sends the review back to the survey,
    an unfounded one back to "agreed" for the next posting."""
    _require_ward_staff(by)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.resolved_on is not None:
        raise ValidationError({"resolved_on": _("This complaint was already resolved.")})
    _refuse_date(
        "resolved_on",
        rules.complaint_resolved_problem(resolved_on, received_on=complaint.received_on, today=_today()),
    )
    if not (result or "").strip():
        raise ValidationError({"result": _("Write the result of the re-check.")})
    review = _lock_one(by, complaint.review)
    complaint.upheld, complaint.result, complaint.resolved_on = upheld, result.strip(), resolved_on
    complaint.save(update_fields=["upheld", "result", "resolved_on"])
    if review.state == S.POSTED:
        review.posting = None
        _move(
            review,
            S.RETURNED if upheld else S.AGREED,
            by=by,
            action="complaint_resolved",
            comment=complaint.result,
            extra=["posting"],
        )
    return complaint


@transaction.atomic
def upper_report_record(
    *, by, campaign: Campaign, sent_on: date, number: str = "", addressee: str = ""
) -> UpperLevelReport:
    _require_ward_staff(by)
    _require_campaign_in_scope(by, campaign)
    _refuse_date("sent_on", rules.upper_report_date_problem(sent_on, today=_today()))
    addressee = (addressee or "").strip() or selectors.settings_for(campaign.ward_id).upper_level_addressee
    return UpperLevelReport.objects.create(
        campaign=campaign, sent_on=sent_on, number=number.strip(), addressee=addressee, recorded_by=by
    )


@transaction.atomic
def upper_report_answer(*, by, report: UpperLevelReport, answered_on: date, answer: str) -> UpperLevelReport:
    _require_ward_staff(by)
    _require_campaign_in_scope(by, report.campaign)
    _refuse_date("answered_on", rules.upper_answer_date_problem(answered_on, sent_on=report.sent_on, today=_today()))
    report.answered_on, report.answer = answered_on, answer.strip()
    report.save(update_fields=["answered_on", "answer"])
    return report


# --- Decision ---------------------------------------------------------------------------


def _decision_problems(campaign: Campaign, reviews: list[Review], signed_on: date) -> list[str]:
    problems = []
    postings = {p.pk: p for p in Posting.objects.filter(pk__in={r.posting_id for r in reviews if r.posting_id})}
    open_complaints = set(
        Complaint.objects.filter(review__in=reviews, resolved_on__isnull=True).values_list("review_id", flat=True)
    )
    for review in reviews:
        code = review.household.code
        if review.campaign_id != campaign.pk:
            problems.append(_("%(h)s: the review belongs to another campaign.") % {"h": code})
        elif review.is_frozen:
            problems.append(_("%(h)s: the review is already closed.") % {"h": code})
        elif review.state != S.POSTED:
            missing = _("the meeting") if review.state not in (S.AGREED,) else _("the posting")
            problems.append(
                _("%(h)s has not passed %(missing)s (it is “%(state)s”).")
                % {"h": code, "missing": missing, "state": review.get_state_display()}
            )
        elif postings[review.posting_id].ends_on >= signed_on:
            problems.append(
                _("%(h)s: its posting runs until %(end)s; sign after it ends.")
                % {"h": code, "end": f"{postings[review.posting_id].ends_on:%d/%m/%Y}"}
            )
        elif review.pk in open_complaints:
            problems.append(_("%(h)s has a complaint not yet resolved.") % {"h": code})
        elif not review.proposed_status:
            problems.append(_("%(h)s has no proposed class.") % {"h": code})
    return problems


@transaction.atomic
def decision_issue(*, by, campaign: Campaign, number: str, signed_on: date, reviews: list[Review]) -> Decision:
    """The ward leader's recognition decision (Mẫu số 02).

    Applies the proposed classes of `reviews` to their households in bulk, dated
    `signed_on`, each change naming the decision and its movement; issues the
    certificates (Mẫu số 03) of the poor and near-poor; closes the reviews. All or
    nothing: one review that may not be decided refuses the whole decision,
    naming what is missing for each.
    """
    _require_leader(by)
    _require_campaign_in_scope(by, campaign)
    number = (number or "").strip()
    if not number:
        raise ValidationError({"number": _("Enter the number of the decision.")})
    _refuse_date("signed_on", rules.decision_date_problem(signed_on, today=_today()))
    if not reviews:
        raise ValidationError({"reviews": _("Choose the reviews the decision recognises.")})
    if Decision.objects.filter(ward_id=campaign.ward_id, number=number).exists():
        raise ValidationError({"number": _("Decision %(n)s is already recorded in this ward.") % {"n": number}})
    locked = _lock(by, reviews)
    problems = _decision_problems(campaign, locked, signed_on)
    if campaign.kind == CampaignKind.PERIODIC and not campaign.upper_reports.filter(sent_on__lte=signed_on).exists():
        problems.append(_("Report the periodic review's results to the upper level before the decision."))
    if problems:
        raise ValidationError({"reviews": problems})
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                ward_id=campaign.ward_id, campaign=campaign, number=number, signed_on=signed_on, signed_by=by
            )
    except IntegrityError as error:
        raise ValidationError(
            {"number": _("Decision %(n)s is already recorded in this ward.") % {"n": number}}
        ) from error
    households = {
        h.pk: h
        for h in Household.objects.select_for_update().filter(pk__in=[r.household_id for r in locked]).order_by("pk")
    }
    changes = _status_changes(locked, households, decision=decision, by=by)
    household_services.status_changes_save(changes, by=by)
    _certificates(campaign, locked, decision)
    # Every review of the decision gets the same values: one UPDATE, not a CASE per row.
    Review.objects.filter(pk__in=[r.pk for r in locked]).update(
        decision=decision, state=S.RECOGNISED, closed_on=signed_on, version=F("version") + 1, updated_at=timezone.now()
    )
    events = [
        ReviewEvent(review=r, by=by, action="decision", from_state=S.POSTED, to_state=S.RECOGNISED, comment=number)
        for r in locked
    ]
    ReviewEvent.objects.bulk_create(events, batch_size=1000)
    return decision


def _status_changes(reviews, households, *, decision, by) -> list[StatusChange]:
    ever = set(
        StatusChange.objects.filter(household_id__in=households, to_status__in=(Status.POOR, Status.NEAR_POOR))
        .values_list("household_id", "to_status")
        .distinct()
    )
    today, changes, errors = _today(), [], []
    for review in reviews:
        household = households[review.household_id]
        if review.proposed_status == household.status:
            continue
        movement = rules.movement_for(
            from_status=household.status,
            to_status=review.proposed_status,
            was_ever_poor=(household.pk, Status.POOR) in ever or household.escaped_poverty_on is not None,
            was_ever_near_poor=(household.pk, Status.NEAR_POOR) in ever,
        )
        try:
            changes.append(
                household_services.status_change_build(
                    household,
                    to_status=review.proposed_status,
                    effective_on=decision.signed_on,
                    reason=ChangeReason.DECISION,
                    decision_number=decision.number,
                    by=by,
                    today=today,
                    movement=movement,
                    date_field="signed_on",
                )
            )
        except ValidationError as error:
            errors.extend(f"{household.code}: {m}" for m in error.messages)
    if errors:
        raise ValidationError({"signed_on": errors})
    return changes


def _certificates(campaign, reviews, decision):
    year = campaign.status_year
    wanted = [r for r in reviews if r.proposed_status in (Status.POOR, Status.NEAR_POOR)]
    if not wanted:
        return
    # The ward's certificate numbers of the year are taken in order; the lock on the
    # decision's reviews does not cover another decision, the unique constraint does.
    last = (
        Certificate.objects.select_for_update()
        .filter(ward_id=campaign.ward_id, year=year)
        .aggregate(m=Max("serial"))["m"]
        or 0
    )
    Certificate.objects.bulk_create(
        [
            Certificate(
                ward_id=campaign.ward_id,
                year=year,
                serial=last + i,
                review=r,
                household_id=r.household_id,
                status=r.proposed_status,
                issued_on=decision.signed_on,
            )
            for i, r in enumerate(wanted, start=1)
        ],
        batch_size=1000,
    )


@transaction.atomic
def review_refuse(*, by, review: Review, reason: str, refused_on: date) -> Review:
    """A regular review's written refusal with its reasons (instead of a decision)."""
    _require_leader(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"refusal_reason": _("Write the reasons for the refusal.")})
    _refuse_date("refused_on", rules.refusal_date_problem(refused_on, today=_today()))
    review = _lock_one(by, review)
    if review.campaign.kind != CampaignKind.REGULAR:
        raise ValidationError({"refusal_reason": _("Only a regular review is refused in writing.")})
    _require_state(review, [s for s in S.values if s not in (S.RECOGNISED, S.REFUSED)])
    review.refusal_reason, review.closed_on = reason, refused_on
    _move(review, S.REFUSED, by=by, action="refuse", comment=reason, extra=["refusal_reason", "closed_on"])
    return review


# --- Movements outside a review (docs/reviews.md, "Movements") ------------------------------


@transaction.atomic
def household_movement_record(
    *, by, household: Household, movement: str, occurred_on: date, reason: str, to_status: str = ""
) -> StatusChange:
    """Record that a household moved away, dissolved, split, or moved in, with its date and reason.

    A move away, a dissolution or a split takes the household off the lists: its
    class becomes "not poor" from that day, the change naming the movement, so the
    reports count it as an "other" decrease of the class it had. A household that
    moves in (or is formed by a split) enters with `to_status`: an "other" increase.
    """
    from households.selectors import household_detail_queryset
    from households.vocab import OTHER_DECREASES, OTHER_INCREASES

    _require_ward_staff(by)
    if not household_detail_queryset(user=by).filter(pk=household.pk).exists():
        raise PermissionDenied(_("This household is outside your scope."))
    reason = (reason or "").strip()
    if movement not in OTHER_DECREASES | OTHER_INCREASES:
        raise ValidationError({"movement": _("Choose a move away, a dissolution, a split or a move in.")})
    if not reason:
        raise ValidationError({"reason": _("Write the reason (for example the place moved to, or who died).")})
    household = Household.objects.select_for_update().get(pk=household.pk)
    if movement in OTHER_DECREASES:
        to_status = Status.NOT_POOR
        if household.status == Status.NOT_POOR:
            raise ValidationError(
                {"movement": _("The household is not on the poor, near-poor or average lists: nothing to decrease.")}
            )
    elif to_status not in Status.values:
        raise ValidationError({"to_status": _("Choose the class the household arrives with.")})
    elif household.status == to_status:
        raise ValidationError({"to_status": _("The household already has this class.")})
    problem = household_rules.status_change_problem(
        current=household.status,
        current_since=household.status_since,
        new=to_status,
        effective_on=occurred_on,
        today=_today(),
    )
    if problem:
        raise ValidationError({"occurred_on": problem})
    change = StatusChange(
        household=household,
        from_status=household.status,
        to_status=to_status,
        effective_on=occurred_on,
        reason=ChangeReason.MOVEMENT,
        movement=movement,
        note=reason,
        recorded_by=by,
    )
    # Leaving the lists is no escape from poverty: the escape date stays as it was.
    if to_status == Status.POOR:
        household.escaped_poverty_on = None
    household.status, household.status_since = to_status, occurred_on
    household_services.status_changes_save([change], by=by)
    return change
