"""Review pages. Reads through selectors (another ward's or khối's object is a 404), writes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from households.forms import add_service_errors
from households.selectors import khoi_list, ward_list
from hungbinh.accounts.roles import Role, can_edit_registry, can_manage_ward, role_of

from . import rules, selectors, services
from .forms import (
    ApplicationForm,
    AssignForm,
    CampaignForm,
    ComplaintForm,
    ComplaintResolveForm,
    DecisionForm,
    MeetingForm,
    MovementForm,
    PostingForm,
    RefuseForm,
    ReturnForm,
    SurveyForm,
    UpperAnswerForm,
    UpperReportForm,
)
from .models import CampaignKind, Complaint, Review, ReviewSource, ReviewState, UpperLevelReport
from .serializers import explanation

S = ReviewState


def _campaign(user, pk):
    return get_object_or_404(selectors.campaign_list(user=user), pk=pk)


def _khoi(user, campaign, khoi_pk):
    return get_object_or_404(khoi_list(user=user, ward_id=campaign.ward_id), pk=khoi_pk)


def _is_leader(user):
    return role_of(user) in (Role.ADMIN, Role.WARD_LEADER)


def _run(request, form, action, success_message):
    """Call a service; its ValidationError goes next to the form's fields, PermissionDenied is a 403."""
    try:
        result = action()
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, success_message)
    return result or True


def _form_page(request, form, *, action, success, done, context, template="reviews/simple_form.html"):
    """Every review form's round trip: a valid POST calls the service with the cleaned data (its errors go next to
    the fields) and answers `done(result)`; a GET, an invalid form or a refused step shows the form again."""
    if request.method == "POST" and form.is_valid():
        result = _run(request, form, lambda: action(form.cleaned_data), success)
        if result:
            return done(result)
    return render(request, template, {"form": form, **context})


@login_required
def campaign_list(request):
    campaigns = selectors.campaigns_newest_first(user=request.user)
    wards = list(ward_list(user=request.user)) if can_manage_ward(request.user) else []
    form = CampaignForm(request.POST or None, initial={"year": timezone.localdate().year, "kind": "periodic"})
    can_open = can_manage_ward(request.user) and len(wards) == 1
    if request.method == "POST" and not can_open:
        raise PermissionDenied(_("Only ward staff may open a review campaign."))
    return _form_page(
        request,
        form,
        action=lambda data: services.campaign_open(
            by=request.user, ward=wards[0], kind=data["kind"], year=data["year"], month=data["month"]
        ),
        success=_("The campaign is open."),
        done=lambda campaign: redirect("reviews-campaign", campaign.pk),
        template="reviews/campaign_list.html",
        context={"campaigns": campaigns, "can_open": can_open},
    )


@login_required
def campaign_board(request, pk):
    campaign = _campaign(request.user, pk)
    board = selectors.campaign_board(user=request.user, campaign=campaign)
    return render(
        request,
        "reviews/campaign_board.html",
        {
            "campaign": campaign,
            "board": board,
            "totals": rules.board_totals(board),
            "can_manage": can_manage_ward(request.user),
            "is_leader": _is_leader(request.user),
            "reports": selectors.campaign_upper_reports(campaign=campaign),
            "decisions": selectors.campaign_decisions(campaign=campaign),
        },
    )


@login_required
def khoi_reviews(request, pk, khoi_pk):
    campaign = _campaign(request.user, pk)
    khoi = _khoi(request.user, campaign, khoi_pk)
    reviews = selectors.khoi_review_list(user=request.user, campaign=campaign, khoi=khoi)
    return render(
        request,
        "reviews/khoi_reviews.html",
        {
            "campaign": campaign,
            "khoi": khoi,
            "reviews": reviews,
            "can_manage": can_manage_ward(request.user),
            "can_meet": can_manage_ward(request.user) or request.user.khoi_id == khoi.pk,
            "can_apply": can_edit_registry(request.user),
            "assign_form": AssignForm(members=selectors.khoi_committee_list(khoi=khoi))
            if can_manage_ward(request.user)
            else None,
        },
    )


@login_required
def review_detail(request, pk):
    """The survey (Phiếu A/B) on a phone, and the steps the user's role may take from here."""
    review = _review_or_404(request.user, pk)
    standard = review.campaign.standard
    indicators = list(standard.indicators.all())
    facts = selectors.review_member_facts(user=request.user, review=review)
    editable = review.state in services.EDITABLE and can_edit_registry(request.user)
    _line, _average_top, area_cutoff = standard.terms().for_area(review.campaign.ward.area_type)
    form = SurveyForm(
        request.POST if request.method == "POST" and request.POST.get("step") in ("save", "submit") else None,
        indicators=indicators,
        show_phieu_a=review.source != ReviewSource.LISTED,
        score_a_known=area_cutoff is not None,
        initial={
            "phieu_a_passed": {True: "true", False: "false"}.get(review.phieu_a_passed, ""),
            "income_per_capita": review.income_per_capita,
            "score_a": review.score_a,
            "deprivations": review.deprivations,
            "causes": review.causes,
            "cause_other": review.cause_other,
        },
    )
    step = request.POST.get("step")
    forms = {"survey": form}
    for name, form_class in STEP_FORMS.items():
        forms[name] = form_class(request.POST if step == name else None)
    if request.method == "POST" and _review_step(request, review, step, forms):
        return redirect("reviews-review", review.pk)
    indicator_rows = [(field, facts.get(field.data["value"])) for field in form["deprivations"]]
    return render(
        request,
        "reviews/review_detail.html",
        {
            "review": review,
            "campaign": review.campaign,
            "form": form,
            "indicator_rows": indicator_rows,
            "return_form": forms["return"],
            "complaint_form": forms["complaint"],
            "resolve_form": forms["resolve"],
            "complaints": selectors.review_complaints(review=review),
            "can_complain": can_manage_ward(request.user) and review.state == S.POSTED,
            "refuse_form": forms["refuse"],
            "explanation": explanation(review, {}),
            "editable": editable,
            "can_check": can_manage_ward(request.user) and review.state in (S.SUBMITTED, S.VERIFIED),
            "can_refuse": _is_leader(request.user)
            and review.campaign.kind == CampaignKind.REGULAR
            and not review.is_frozen,
            "classify_url": reverse("review-classify", args=[review.pk]),
            "events": selectors.review_events(review=review),
            "certificate": selectors.review_certificate(review=review),
            "due_on": selectors.review_due_on(review),
        },
    )


def _review_or_404(user, pk):
    try:
        return selectors.review_page(user=user, pk=pk)
    except Review.DoesNotExist as error:
        raise Http404 from error


# The steps posted from a review's page with a form of their own; save, submit and verify use the survey's.
STEP_FORMS = {"return": ReturnForm, "refuse": RefuseForm, "complaint": ComplaintForm, "resolve": ComplaintResolveForm}


def _review_step(request, review, step, forms):
    """One step posted from the review's page: its form is checked, then its service is called."""
    user = request.user

    def resolve(data):
        try:
            complaint = selectors.review_complaint_get(user=user, review=review, pk=data["complaint"])
        except Complaint.DoesNotExist:
            raise Http404 from None
        return services.complaint_resolve(
            by=user, complaint=complaint, upheld=data["upheld"], result=data["result"], resolved_on=data["resolved_on"]
        )

    steps = {
        # step: (form checked first, or None; service; message)
        "save": ("survey", lambda data: services.review_save(by=user, review=review, **data), _("Draft saved.")),
        "submit": (
            "survey",
            lambda data: services.review_submit(by=user, review=review, **data),
            _("Review submitted."),
        ),
        "verify": (None, lambda data: services.review_verify(by=user, review=review), _("Review verified.")),
        "return": (
            "return",
            lambda data: services.review_return(by=user, review=review, comment=data["comment"]),
            _("Review returned to the surveyor."),
        ),
        "refuse": (
            "refuse",
            lambda data: services.review_refuse(
                by=user, review=review, reason=data["reason"], refused_on=data["refused_on"]
            ),
            _("The refusal is recorded."),
        ),
        "complaint": (
            "complaint",
            lambda data: services.complaint_record(
                by=user,
                review=review,
                received_on=data["received_on"],
                content=data["content"],
                complainant=data["complainant"],
            ),
            _("The complaint is recorded; re-check it before the decision."),
        ),
        "resolve": ("resolve", resolve, _("The complaint is resolved.")),
    }
    if step not in steps:
        raise Http404
    name, action, message = steps[step]
    if name is None:
        return _run(request, forms["survey"], lambda: action({}), message)
    form = forms[name]
    if not form.is_valid():
        return None
    data = dict(form.cleaned_data)
    return _run(request, form, lambda: action(data), message)


@login_required
def khoi_meeting(request, pk, khoi_pk):
    campaign = _campaign(request.user, pk)
    khoi = _khoi(request.user, campaign, khoi_pk)
    reviews = selectors.meeting_review_list(user=request.user, campaign=campaign, khoi=khoi)
    form = MeetingForm(request.POST or None, reviews=reviews)
    return _form_page(
        request,
        form,
        action=lambda data: services.meeting_record(
            by=request.user,
            campaign=campaign,
            khoi=khoi,
            held_on=data["held_on"],
            attendance=form.attendance(),
            votes=form.votes(),
            households_represented=data.get("households_represented") or 0,
            chair=data["chair"],
            secretary=data["secretary"],
        ),
        success=_("The meeting is recorded."),
        done=lambda meeting: redirect("reviews-khoi", campaign.pk, khoi.pk),
        template="reviews/meeting_form.html",
        context={
            "campaign": campaign,
            "khoi": khoi,
            "reviews": reviews,
            "vote_fields": [form[name] for _review, name in form.vote_fields],
            "attendance_fields": [form[name] for name in form.attendance_fields],
        },
    )


@login_required
def khoi_posting(request, pk, khoi_pk):
    campaign = _campaign(request.user, pk)
    khoi = _khoi(request.user, campaign, khoi_pk)

    def posted(posting):
        messages.info(
            request,
            _("Posted from %(start)s through %(end)s.")
            % {"start": f"{posting.starts_on:%d/%m/%Y}", "end": f"{posting.ends_on:%d/%m/%Y}"},
        )
        return redirect("reviews-khoi", campaign.pk, khoi.pk)

    settings = selectors.settings_for(campaign.ward_id)
    return _form_page(
        request,
        PostingForm(request.POST or None),
        action=lambda data: services.posting_open(
            by=request.user, campaign=campaign, khoi=khoi, starts_on=data["starts_on"]
        ),
        success=_("The results are posted."),
        done=posted,
        context={
            "campaign": campaign,
            "khoi": khoi,
            "title": _("Post the results of %(khoi)s") % {"khoi": khoi},
            "lead": _(
                "The posting lasts %(n)s working days; weekends, public holidays and the ward's days off do not count."
            )
            % {"n": settings.posting_working_days},
            "submit": _("Post"),
            "back": reverse("reviews-khoi", args=[campaign.pk, khoi.pk]),
        },
    )


@login_required
def upper_report(request, pk):
    campaign = _campaign(request.user, pk)
    settings = selectors.settings_for(campaign.ward_id)
    return _form_page(
        request,
        UpperReportForm(request.POST or None, initial={"addressee": settings.upper_level_addressee}),
        action=lambda data: services.upper_report_record(
            by=request.user,
            campaign=campaign,
            sent_on=data["sent_on"],
            number=data["number"],
            addressee=data["addressee"],
        ),
        success=_("The report to the upper level is recorded."),
        done=lambda report: redirect("reviews-campaign", campaign.pk),
        context={
            "campaign": campaign,
            "title": _("Report to the upper level"),
            "submit": _("Save"),
            "back": reverse("reviews-campaign", args=[campaign.pk]),
        },
    )


@login_required
def decision_create(request, pk):
    campaign = _campaign(request.user, pk)
    if not _is_leader(request.user):
        raise PermissionDenied(_("Only the ward leader may sign a recognition decision."))
    reviews = selectors.decision_review_list(user=request.user, campaign=campaign)

    def issue(data):
        chosen = [r for r in reviews if str(r.pk) in set(data["reviews"])]
        return services.decision_issue(
            by=request.user, campaign=campaign, number=data["number"], signed_on=data["signed_on"], reviews=chosen
        )

    return _form_page(
        request,
        DecisionForm(request.POST or None, reviews=reviews, initial={"reviews": [str(r.pk) for r in reviews]}),
        action=issue,
        success=_("The decision is recorded and the households' classes are changed."),
        done=lambda decision: redirect("reviews-campaign", campaign.pk),
        template="reviews/decision_form.html",
        context={"campaign": campaign, "reviews": reviews},
    )


@login_required
def household_movement(request, pk):
    """A household moved away, dissolved, split, or moved in: recorded with its date and reason."""
    from households.selectors import household_detail_queryset

    if not can_manage_ward(request.user):
        raise PermissionDenied(_("Only ward staff may record a household's move, dissolution or split."))
    household = get_object_or_404(household_detail_queryset(user=request.user), pk=pk)
    return _form_page(
        request,
        MovementForm(request.POST or None),
        action=lambda data: services.household_movement_record(
            by=request.user,
            household=household,
            movement=data["movement"],
            occurred_on=data["occurred_on"],
            reason=data["reason"],
            to_status=data["to_status"],
        ),
        success=_("The movement is recorded in the household's history."),
        done=lambda change: redirect("household-detail", household.pk),
        context={
            "title": _("%(household)s: moved, dissolved or split") % {"household": household},
            "lead": _(
                "A move away, a dissolution or a split takes the household off the lists from that day; "
                "the review-result tables count it among the other decreases."
            ),
            "submit": _("Record"),
            "back": reverse("household-detail", args=[household.pk]),
            "back_label": str(household),
        },
    )


@login_required
def khoi_apply(request, pk, khoi_pk):
    """A household's application (Mẫu số 01 or 04) added to the campaign's list of the khối."""
    if not can_edit_registry(request.user):
        raise PermissionDenied(_("Your role may not survey households."))
    campaign = _campaign(request.user, pk)
    khoi = _khoi(request.user, campaign, khoi_pk)
    candidates = selectors.application_household_list(user=request.user, campaign=campaign, khoi=khoi)

    def apply(data):
        household = next((h for h in candidates if h.pk == data["household"]), None)
        new_household = None
        if household is None:
            new_household = {
                "khoi": khoi,
                "code": data["code"],
                "head_name": data["head_name"],
                "address": data["address"],
            }
        return services.review_add_application(
            by=request.user,
            campaign=campaign,
            form=data["source"],
            applied_on=data["applied_on"],
            household=household,
            new_household=new_household,
        )

    return _form_page(
        request,
        ApplicationForm(request.POST or None, households=candidates),
        action=apply,
        success=_("The application is on the list."),
        done=lambda review: redirect("reviews-review", review.pk),
        context={
            "campaign": campaign,
            "khoi": khoi,
            "title": _("Application of a household of %(khoi)s") % {"khoi": khoi},
            "lead": _("Choose the household, or leave it empty and enter an applicant not yet in the registry."),
            "submit": _("Add to the list"),
            "back": reverse("reviews-khoi", args=[campaign.pk, khoi.pk]),
        },
    )


@login_required
def khoi_assign(request, pk, khoi_pk):
    """Give the khối's part of the list to one of its committee members (POST from the khối's page)."""
    if not can_manage_ward(request.user):
        raise PermissionDenied(_("Only ward staff may do this step of the review."))
    campaign = _campaign(request.user, pk)
    khoi = _khoi(request.user, campaign, khoi_pk)
    members = selectors.khoi_committee_list(khoi=khoi)
    form = AssignForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        member = next(m for m in members if m.pk == form.cleaned_data["member"])
        count = services.campaign_assign(by=request.user, campaign=campaign, khoi=khoi, member=member)
        messages.success(
            request,
            ngettext("%(n)s household given to %(name)s.", "%(n)s households given to %(name)s.", count)
            % {"n": count, "name": member.get_full_name()},
        )
    return redirect("reviews-khoi", campaign.pk, khoi.pk)


@login_required
def upper_answer(request, pk, report_pk):
    """Ward staff record the upper level's answer. The role is asked first, as on the other steps' pages: a role
    that may not answer gets a 403 whatever the campaign and report; then another ward's is a 404."""
    if not can_manage_ward(request.user):
        raise PermissionDenied(_("Only ward staff may do this step of the review."))
    campaign = _campaign(request.user, pk)
    try:
        report = selectors.campaign_upper_report_get(user=request.user, campaign=campaign, pk=report_pk)
    except UpperLevelReport.DoesNotExist:
        raise Http404 from None
    return _form_page(
        request,
        UpperAnswerForm(request.POST or None, initial={"report": report.pk}),
        action=lambda data: services.upper_report_answer(
            by=request.user, report=report, answered_on=data["answered_on"], answer=data["answer"]
        ),
        success=_("The upper level's answer is recorded."),
        done=lambda answered: redirect("reviews-campaign", campaign.pk),
        context={
            "campaign": campaign,
            "title": _("Answer of the upper level"),
            "lead": str(report),
            "submit": _("Save"),
            "back": reverse("reviews-campaign", args=[campaign.pk]),
        },
    )
