"""Forms of the review pages; the checks themselves are the services' (reviews/services.py)."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from households.rules import Status
from households.vocab import OTHER_DECREASES, OTHER_INCREASES, Movement
from hungbinh.forms import VietnameseDateField

from .models import CampaignKind, Cause, Meeting, ReviewSource
from .rules import ATTENDANCE_GROUPS

YES_NO_UNKNOWN = [("", _("Not filled in")), ("true", _("Yes: go on to Phiếu B")), ("false", _("No: clearly not poor"))]


class CampaignForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CampaignKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(
        label=_("Month"), min_value=1, max_value=12, required=False, help_text=_("Regular reviews only.")
    )


class SurveyForm(forms.Form):
    """Phiếu A (for applicants) and Phiếu B: the figures, the deprived indicators and the causes."""

    phieu_a_passed = forms.TypedChoiceField(
        label=_("Phiếu A (quick identification)"),
        choices=YES_NO_UNKNOWN,
        coerce=lambda v: {"true": True, "false": False}.get(v),
        empty_value=None,
        required=False,
    )
    income_per_capita = forms.IntegerField(
        label=_("Income per person per month (đồng)"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "data-classify": ""}),
    )
    score_a = forms.DecimalField(
        label=_("Score A (B1)"),
        required=False,
        max_digits=6,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5", "data-classify": ""}),
    )
    deprivations = forms.MultipleChoiceField(
        label=_("Deprived indicators"), required=False, widget=forms.CheckboxSelectMultiple
    )
    causes = forms.MultipleChoiceField(
        label=_("Causes of poverty"), required=False, choices=Cause.choices, widget=forms.CheckboxSelectMultiple
    )
    cause_other = forms.CharField(label=_("Other cause"), required=False, max_length=200)

    def __init__(self, *args, indicators=(), show_phieu_a=False, score_a_known=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deprivations"].choices = [(i.code, i.name) for i in indicators]
        self.fields["deprivations"].widget.attrs["data-classify"] = ""
        if not show_phieu_a:
            del self.fields["phieu_a_passed"]
        if not score_a_known:
            self.fields["score_a"].help_text = _("This standard has no score-A cut-off: enter the income.")


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What to check again"), widget=forms.Textarea(attrs={"rows": 3}))


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reasons for the refusal"), widget=forms.Textarea(attrs={"rows": 3}))
    refused_on = VietnameseDateField(label=_("Date of the written refusal"))


# The minutes (Phụ lục V) print the names; left empty they keep dotted lines (reports/review_papers.py).
NAME_ON_MINUTES = _("Full name, as the minutes print it; left empty, the minutes keep a dotted line to write it in.")


class MeetingForm(forms.Form):
    held_on = VietnameseDateField(label=_("Date of the meeting"))
    chair = forms.CharField(label=_("Chair"), required=False, max_length=200, help_text=NAME_ON_MINUTES)
    secretary = forms.CharField(label=_("Secretary"), required=False, max_length=200, help_text=NAME_ON_MINUTES)
    households_represented = forms.IntegerField(
        label=_("Listed households represented"), min_value=0, required=False, initial=0
    )

    def __init__(self, *args, reviews=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The attendees by group, as the minutes list them; the total is their sum (reviews.services.meeting_record).
        self.attendance_fields = []
        for group in ATTENDANCE_GROUPS:
            name = f"attendees_{group}"
            self.fields[name] = forms.IntegerField(
                label=capfirst(Meeting.attendance_label(group)),
                min_value=0,
                required=False,
                initial=0,
                error_messages={
                    "invalid": _("Enter the number of people as a whole number (0 when nobody came)."),
                    "min_value": _("The number of people may not be negative."),
                },
            )
            self.attendance_fields.append(name)
        self.vote_fields = []
        for review in reviews:
            name = f"agreed_{review.pk}"
            self.fields[name] = forms.IntegerField(
                label=f"{review.household.code} – {review.household.head_name}", required=False, min_value=0
            )
            self.vote_fields.append((review, name))

    def attendance(self) -> dict[str, int]:
        return {name.removeprefix("attendees_"): self.cleaned_data.get(name) or 0 for name in self.attendance_fields}

    def votes(self):
        return [
            (review, self.cleaned_data[name])
            for review, name in self.vote_fields
            if self.cleaned_data.get(name) is not None
        ]


class PostingForm(forms.Form):
    starts_on = VietnameseDateField(label=_("First day of the posting"))


class UpperReportForm(forms.Form):
    sent_on = VietnameseDateField(label=_("Sent on"))
    number = forms.CharField(label=_("Document number"), required=False, max_length=60)
    addressee = forms.CharField(label=_("Addressee"), required=False, max_length=200)


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Decision number"), max_length=60)
    signed_on = VietnameseDateField(label=_("Signed on"))
    reviews = forms.MultipleChoiceField(
        label=_("Households recognised"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, reviews=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviews"].choices = [
            (str(r.pk), f"{r.household.code} – {r.household.head_name}: {r.get_proposed_status_display()}")
            for r in reviews
        ]


class MovementForm(forms.Form):
    """A move away, a dissolution, a split or a move in (docs/reviews.md, "Movements")."""

    movement = forms.ChoiceField(label=_("What happened"))
    occurred_on = VietnameseDateField(label=_("On"))
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example the place moved to, or that the last member died."),
    )
    to_status = forms.ChoiceField(
        label=_("Class on arrival"),
        required=False,
        choices=[("", "—"), *Status.choices],
        help_text=_("Only for a household that moves in or is formed by a split."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["movement"].choices = [
            (m.value, m.label) for m in Movement if m in OTHER_DECREASES or m in OTHER_INCREASES
        ]


class ApplicationForm(forms.Form):
    """A household's request (Mẫu số 01 or 04): a household of the khối, or an applicant not yet registered."""

    source = forms.ChoiceField(
        label=_("Application"), choices=[c for c in ReviewSource.choices if c[0] != ReviewSource.LISTED]
    )
    applied_on = VietnameseDateField(label=_("Applied on"))
    household = forms.TypedChoiceField(label=_("Household"), required=False, coerce=int, empty_value=None)
    code = forms.CharField(label=_("New household: code"), required=False, max_length=30)
    head_name = forms.CharField(label=_("New household: head of household"), required=False, max_length=200)
    address = forms.CharField(label=_("New household: address"), required=False, max_length=300)

    def __init__(self, *args, households=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].choices = [("", _("— not yet in the registry: enter it below —"))] + [
            (h.pk, f"{h.code} – {h.head_name}") for h in households
        ]


class AssignForm(forms.Form):
    member = forms.TypedChoiceField(label=_("Committee member"), coerce=int)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, m.get_full_name() or m.username) for m in members]


class ComplaintForm(forms.Form):
    received_on = VietnameseDateField(label=_("Received on"))
    complainant = forms.CharField(label=_("Complainant"), required=False, max_length=200)
    content = forms.CharField(label=_("Complaint"), widget=forms.Textarea(attrs={"rows": 2}))


class ComplaintResolveForm(forms.Form):
    complaint = forms.IntegerField(widget=forms.HiddenInput)
    upheld = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("false", _("Unfounded: post the result again")), ("true", _("Founded: survey again"))],
        coerce=lambda v: v == "true",
    )
    result = forms.CharField(label=_("Result of the re-check"), widget=forms.Textarea(attrs={"rows": 2}))
    resolved_on = VietnameseDateField(label=_("Resolved on"))


class UpperAnswerForm(forms.Form):
    report = forms.IntegerField(widget=forms.HiddenInput)
    answered_on = VietnameseDateField(label=_("Answered on"))
    answer = forms.CharField(label=_("Answer of the upper level"), widget=forms.Textarea(attrs={"rows": 2}))
