"""Forms of the registry pages. They parse input; the services decide what is valid and write."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hungbinh.accounts.roles import Role, can_record_decision, role_of
from hungbinh.forms import VietnameseDateField
from hungbinh.widgets import Select, TextInput

from . import selectors, services
from .rules import ChangeReason, Gender, Status
from .vocab import (
    MAJORITY_ETHNICITY,
    Ethnicity,
    MemberRemovalReason,
    Relation,
    ethnicity_from_text,
    relation_from_text,
)


def date_field(label, *, required=True, help_text=""):
    """A dd/mm/yyyy date with the calendar and the date in words (hungbinh/forms.py)."""
    return VietnameseDateField(label=label, required=required, help_text=help_text)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it names, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


YES_NO_ANY = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]


# The roles whose scope may hold several wards (households.scoping.scope_q).
SEVERAL_WARD_ROLES = frozenset({Role.ADMIN, Role.UPPER_LEVEL})


class HouseholdFilterForm(forms.Form):
    """What the list page shows of the filters; the filtering itself is HouseholdFilter's, as in the API."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=TextInput(attrs={"type": "search", "placeholder": _("Name, code or address"), "autocomplete": "off"}),
    )
    ward = forms.ChoiceField(label=_("Ward"), required=False, widget=Select)
    khoi = forms.ChoiceField(label=_("Khối"), required=False, widget=Select)
    status = forms.ChoiceField(
        label=_("Status"), required=False, widget=Select, choices=[("", _("All")), *Status.choices]
    )
    target = forms.ChoiceField(
        label=_("Target group"),
        required=False,
        widget=Select,
        choices=[
            ("", _("All")),
            ("true", _("Poor, near-poor or newly escaped")),
            ("false", _("Not a target household")),
        ],
    )
    newly_escaped = forms.ChoiceField(label=_("Newly escaped"), required=False, widget=Select, choices=YES_NO_ANY)
    ethnic_minority = forms.ChoiceField(
        label=_("Ethnic minority household"), required=False, widget=Select, choices=YES_NO_ANY
    )
    has_merit_person = forms.ChoiceField(
        label=_("Has a person with merit"), required=False, widget=Select, choices=YES_NO_ANY
    )
    as_of = date_field(
        _("As of"), required=False, help_text=_("The day the 36-month window is counted on (default: today).")
    )

    ADVANCED = ("ward", "khoi", "status", "target", "newly_escaped", "ethnic_minority", "has_merit_person", "as_of")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the administrator and the upper level can see more than one ward: for the
        # others (a ward's staff, a khối member) there is no ward to choose and nothing to ask.
        wards = list(selectors.ward_list(user=user)) if role_of(user) in SEVERAL_WARD_ROLES else []
        khois = list(selectors.khoi_list(user=user))
        several_wards = len(wards) > 1
        if several_wards:
            self.fields["ward"].choices = [("", _("All")), *((str(w.pk), w.name) for w in wards)]
        else:
            del self.fields["ward"]
        self.fields["khoi"].choices = [
            ("", _("All")),
            *((str(k.pk), f"{k.name} – {k.ward.name}" if several_wards else k.name) for k in khois),
        ]

    @property
    def has_advanced_filters(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.ADVANCED)


# --- Households -------------------------------------------------------------


class HouseholdForm(forms.Form):
    khoi = forms.ModelChoiceField(label=_("Khối"), queryset=None, empty_label=None)
    code = forms.CharField(label=_("Household code"), max_length=30)
    head_name = forms.CharField(label=_("Head of household"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    ethnic_minority = forms.BooleanField(label=_("Ethnic minority household"), required=False)
    has_merit_person = forms.BooleanField(label=_("Has a person with revolutionary merit"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        khois = selectors.khoi_list(user=user)
        self.fields["khoi"].queryset = khois
        if len({k.ward_id for k in khois}) > 1:
            self.fields["khoi"].label_from_instance = lambda k: f"{k.name} – {k.ward.name}"


RELATION_CHOICES = [("", "—"), *Relation.choices]
ETHNICITY_CHOICES = [("", "—"), *Ethnicity.choices]
ID_NUMBER_WIDGET_ATTRS = {"inputmode": "numeric", "autocomplete": "off", "placeholder": _("12 digits")}


class HouseholdCreateForm(HouseholdForm):
    """A new household: its details, its first status, and its head, who becomes the first member."""

    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    status_since = date_field(_("Status since"), help_text=_("Date of the recognition decision."))
    escaped_poverty_on = date_field(
        _("Escaped poverty on"),
        required=False,
        help_text=_("Only for a household recognised as having left poverty: the date of that decision."),
    )
    decision_number = forms.CharField(label=_("Decision number"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    head_birth_date = date_field(_("Head's birth date"), required=False)
    head_gender = forms.ChoiceField(label=_("Head's gender"), required=False, choices=[("", "—"), *Gender.choices])
    head_id_number = forms.CharField(
        label=_("Head's citizen ID number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs=ID_NUMBER_WIDGET_ATTRS),
    )
    head_ethnicity = forms.ChoiceField(
        label=_("Head's ethnicity"), required=False, choices=ETHNICITY_CHOICES, initial=MAJORITY_ETHNICITY
    )

    HEAD_FIELDS = ("head_birth_date", "head_gender", "head_id_number", "head_ethnicity")
    SECTIONS = (
        (_("Household"), ("khoi", "code", "head_name", "address", "ethnic_minority", "has_merit_person")),
        (_("Status"), ("status", "status_since", "escaped_poverty_on", "decision_number", "note")),
        (_("The head of household, recorded as its first member"), HEAD_FIELDS),
    )

    def __init__(self, *args, suggested_code="", **kwargs):
        super().__init__(*args, **kwargs)
        if suggested_code:
            self.fields["code"].initial = suggested_code
            self.fields["code"].help_text = _("The next free code of the ward is %(code)s; change it if needed.") % {
                "code": suggested_code
            }

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def service_fields(self) -> dict:
        """household_create's arguments: the household's fields and `head`, the head's member fields."""
        data = dict(self.cleaned_data)
        head = {name.removeprefix("head_"): data.pop(name) for name in self.HEAD_FIELDS}
        head["gender"] = head["gender"] or ""
        return {**data, "head": head}


class MergeChoices:
    """After a stale save, a choice under each field that both the user and someone else changed.

    `conflicts` lists (field name, the value saved now, as text); each adds a
    required `keep_<name>` radio right after its field, whose box keeps what the
    user typed. The names come back with the next POST in the hidden
    `conflicts` field (`conflicts_in`), so an unanswered choice is an error
    rather than a silent "keep mine".
    """

    KEEP_PREFIX = "keep_"

    def add_merge_choices(self, conflicts):
        order = list(self.fields)
        self.conflict_names = []
        for name, saved_text in conflicts:
            if name not in self.fields:
                continue
            self.conflict_names.append(name)
            self.fields[self.KEEP_PREFIX + name] = forms.ChoiceField(
                label=_("“%(field)s” was changed by you and in the saved record: which value is kept?")
                % {"field": self.fields[name].label},
                widget=forms.RadioSelect,
                choices=[
                    ("mine", _("What you typed above")),
                    ("theirs", _("What is saved now: %(value)s") % {"value": saved_text}),
                ],
                error_messages={"required": _("Choose which of the two values to keep.")},
            )
            order.insert(order.index(name) + 1, self.KEEP_PREFIX + name)
        self.fields["conflicts"] = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=",".join(self.conflict_names)
        )
        self.order_fields(order)

    @staticmethod
    def conflicts_in(data) -> list[str]:
        """The fields a submitted merge form asked about."""
        return [name for name in data.get("conflicts", "").split(",") if name]

    def keeps_saved(self, name: str) -> bool:
        return self.cleaned_data.get(self.KEEP_PREFIX + name) == "theirs"


class HouseholdEditForm(MergeChoices, HouseholdForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, conflicts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_merge_choices(conflicts)


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    effective_on = date_field(_("Effective on"), help_text=_("Date of the decision."))
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[(c.value, c.label) for c in (ChangeReason.DECISION, ChangeReason.CORRECTION, ChangeReason.IMPORT)],
    )
    decision_number = forms.CharField(
        label=_("Decision number"),
        max_length=60,
        required=False,
        help_text=_("Required for a recognition decision, e.g. 125/QĐ-UBND."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a correction: say what was wrong."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not can_record_decision(user):
            # A khối member proposes a decision through a review; the service refuses it too.
            self.fields["reason"].choices = [c for c in self.fields["reason"].choices if c[0] != ChangeReason.DECISION]


# --- Members ----------------------------------------------------------------


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    birth_date = date_field(_("Birth date"), required=False)
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=[("", "—"), *Gender.choices])
    relation = forms.ChoiceField(label=_("Relation to the head"), required=False, choices=RELATION_CHOICES)
    id_number = forms.CharField(
        label=_("Citizen ID number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs=ID_NUMBER_WIDGET_ATTRS),
    )
    ethnicity = forms.ChoiceField(
        label=_("Ethnicity"), required=False, choices=ETHNICITY_CHOICES, initial=MAJORITY_ETHNICITY
    )
    is_disabled = forms.BooleanField(label=_("Has a disability"), required=False)
    has_merit = forms.BooleanField(label=_("Person with revolutionary merit"), required=False)

    def __init__(self, *args, stored: dict | None = None, **kwargs):
        """`stored`: the member's saved relation and ethnicity; a word from before the lists existed stays
        selectable (read back to the listed word when it names one), so editing never drops it silently."""
        super().__init__(*args, **kwargs)
        for name, from_text in (("relation", relation_from_text), ("ethnicity", ethnicity_from_text)):
            value = (stored or {}).get(name) or ""
            field = self.fields[name]
            if not value or value in dict(field.choices):
                continue
            listed = from_text(value)
            if listed and name in self.initial and not self.is_bound:
                self.initial[name] = listed
            elif not listed:
                field.choices = [*field.choices, (value, _("%(value)s (not in the list)") % {"value": value})]

    SERVICE_FIELDS = services.MEMBER_FIELDS

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.SERVICE_FIELDS if name in self.cleaned_data}


class MemberRemovalForm(forms.Form):
    """Why and when a person leaves the household's list (docs/member-removal.md)."""

    reason = forms.ChoiceField(
        label=_("Why does this person leave the household?"),
        choices=MemberRemovalReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why the member leaves the household.")},
    )
    left_on = date_field(_("Left on"), help_text=_("The day of the death, the move or the split (default: today)."))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. the new address, or the household the person joined."),
    )
    seen = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "removal")
        super().__init__(*args, **kwargs)


class MemberEditForm(MergeChoices, MemberForm):
    """The stored ID number is never put into the page: a blank box keeps it.

    `seen` is the member's mark when the form was opened (history.member_mark):
    the form conflicts only with later changes to this member, not with the
    rest of the household.
    """

    clear_id_number = forms.BooleanField(label=_("Remove the citizen ID number"), required=False)
    seen = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, masked_id_number="", conflicts=(), **kwargs):
        super().__init__(*args, **kwargs)
        if masked_id_number:
            self.fields["id_number"].widget.attrs["placeholder"] = masked_id_number
            self.fields["id_number"].help_text = _("Leave empty to keep the current number (%(masked)s).") % {
                "masked": masked_id_number
            }
        else:
            del self.fields["clear_id_number"]
        self.add_merge_choices(conflicts)

    def service_fields(self) -> dict:
        fields = super().service_fields()
        if self.cleaned_data.get("clear_id_number"):
            fields["id_number"] = ""
        elif not fields.get("id_number"):
            fields.pop("id_number", None)
        return fields
