"""Forms of the program's pages. They parse input; the services decide and write."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from households.forms import add_service_errors, date_field  # noqa: F401  (re-exported for the views)
from households.rules import Status
from hungbinh.widgets import TextInput

from .models import (
    PLAN_BODY_FIELDS,
    PLAN_HEADER_FIELDS,
    PLAN_PARAGRAPH_FIELDS,
    FundingSource,
    Plan,
    Program,
    SubProject,
)
from .rules import SupportKind

TEXTAREA = {"rows": 4}

# Thousands grouped by dots or spaces, as the app itself writes amounts (1.500.000): groups of exactly three digits,
# so "1.5" (a decimal) is still refused.
_GROUPED = re.compile(r"^\d{1,3}(?:[. \u00a0]\d{3})+$")


class DongField(forms.IntegerField):
    """Whole đồng, typed plain (1500000) or grouped as the pages show amounts (1.500.000).

    The pages write 1.500.000, and "1.500.000" typed back was refused as "a whole number of đồng, without
    decimals", which it is: the error did not say what to type.
    """

    default_error_messages = {"invalid": _("Type the amount in whole đồng, such as 1500000 or 1.500.000.")}
    # A text box, not type=number: the browser refused "1.500.000" itself, with its own English bubble.
    widget = TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str) and _GROUPED.match(value.strip()):
            value = re.sub(r"\D", "", value)
        return super().to_python(value)


class PlanEditForm(forms.ModelForm):
    """The whole text of a draft plan, one paragraph per line."""

    dated_on = date_field(_("date on the document"), required=False)

    class Meta:
        model = Plan
        fields = [*PLAN_HEADER_FIELDS, "dated_on", *PLAN_BODY_FIELDS]
        widgets = {name: forms.Textarea(attrs=TEXTAREA) for name in PLAN_PARAGRAPH_FIELDS}


class PlanCopyForm(forms.Form):
    year = forms.IntegerField(label=_("Year of the new plan"), min_value=2000, max_value=2100)
    program = forms.ModelChoiceField(
        label=_("Program"),
        queryset=Program.objects.all(),
        help_text=_("The program the new plan implements; sub-projects are matched by their code."),
    )


class PlanIssueForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=50, help_text=_("As issued, e.g. 45/KH-UBND."))
    issued_on = date_field(_("Issued on"))


class BudgetForm(forms.Form):
    subproject = forms.ModelChoiceField(
        label=_("Sub-project"),
        queryset=SubProject.objects.none(),
        required=False,
        empty_label=_("— Outside the sub-projects —"),
    )
    funding_source = forms.ModelChoiceField(
        label=_("Funding source"), queryset=FundingSource.objects.all(), empty_label=_("— Choose a funding source —")
    )
    allocated = DongField(label=_("Allocated (VND)"), min_value=0)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subproject"].queryset = SubProject.objects.filter(program_id=plan.program_id)


class IndicatorAchievedForm(forms.Form):
    indicator = forms.IntegerField(widget=forms.HiddenInput)
    achieved_entered = forms.DecimalField(label=_("Achieved"), max_digits=16, decimal_places=2, required=False)


class SupportFields(forms.Form):
    """What one support and a list of them share."""

    subproject = forms.ModelChoiceField(
        label=_("Sub-project"),
        queryset=SubProject.objects.select_related("program").order_by("-program__start_year", "code"),
        required=False,
        empty_label=_("— Outside the sub-projects (e.g. Tết gifts) —"),
    )
    funding_source = forms.ModelChoiceField(
        label=_("Funding source"), queryset=FundingSource.objects.all(), empty_label=_("— Choose a funding source —")
    )
    date = date_field(_("Date"))
    kind = forms.ChoiceField(label=_("Kind"), choices=SupportKind.choices)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    amount = DongField(
        label=_("Amount (VND)"),
        min_value=0,
        help_text=_("Whole đồng, such as 1500000 or 1.500.000; the value of support in kind too."),
    )
    override_reason = forms.CharField(
        label=_("Reason for an exception"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the support breaks the sub-project's rule: why it is given anyway (ward officers)."),
    )
    over_budget_ok = forms.BooleanField(
        label=_("Record it even though it passes the allocation"), required=False, widget=forms.HiddenInput
    )

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}


class SupportForm(SupportFields):
    member = forms.ModelChoiceField(
        label=_("Member"),
        queryset=None,
        required=False,
        empty_label=_("— The whole household —"),
        help_text=_("For support given to one person (nutrition, training, a job)."),
    )

    field_order = ["member", "subproject", "funding_source", "date", "kind", "description", "quantity", "amount"]

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = household.members.order_by("position", "id")


GROUPS = [
    ("poor", _("Poor households")),
    ("near_poor", _("Near-poor households")),
    ("poor_or_near_poor", _("Poor and near-poor households")),
    ("target", _("Poor, near-poor and newly escaped households")),
]
GROUP_STATUSES = {
    "poor": [Status.POOR],
    "near_poor": [Status.NEAR_POOR],
    "poor_or_near_poor": [Status.POOR, Status.NEAR_POOR],
}


class BulkChooseForm(forms.Form):
    """Which households a support for a list goes to: a khối (or all) and a group."""

    khoi = forms.ChoiceField(label=_("Khối"), required=False)
    group = forms.ChoiceField(label=_("Households"), choices=GROUPS, initial="poor")

    def __init__(self, *args, khois, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["khoi"].choices = [("", _("All khối"))] + [(str(k.pk), f"{k.ward.name} – {k.name}") for k in khois]


class BulkSupportForm(SupportFields):
    """The support of a list; the households are the checked boxes (`households`), parsed by the view so
    that one outside the user's scope is a 404 from the service, as in the API."""


class PlanItemForm(forms.Form):
    """An item of section III of a draft plan, with who leads and who coordinates it."""

    number = forms.CharField(label=_("Number"), max_length=10, help_text=_("As the plan numbers it: 1, 2.1, 2.2…"))
    group_number = forms.CharField(label=_("Group number"), max_length=10, required=False)
    group_heading = forms.CharField(
        label=_("Group heading"),
        max_length=300,
        required=False,
        help_text=_("E.g. Dự án 3: Hỗ trợ phát triển sản xuất"),
    )
    heading = forms.CharField(label=_("Heading"), max_length=300)
    subproject = forms.ModelChoiceField(label=_("Sub-project"), queryset=SubProject.objects.none())
    objective = forms.CharField(label=_("Objective"), widget=forms.Textarea(attrs=TEXTAREA))
    targets_content = forms.CharField(label=_("Support targets and content"), widget=forms.Textarea(attrs=TEXTAREA))
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=None, required=False)
    lead_text = forms.CharField(
        label=_("Lead unit, as written"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Empty: the lead unit's name."),
    )
    coordinating_units = forms.ModelMultipleChoiceField(
        label=_("Coordinating units"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    coordinating_text = forms.CharField(
        label=_("Coordinating units, as written"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Empty: the units' names, or “các bộ phận có liên quan”."),
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        from assignments.models import Unit

        super().__init__(*args, **kwargs)
        self.fields["subproject"].queryset = SubProject.objects.filter(program_id=plan.program_id)
        units = Unit.objects.filter(ward_id=plan.ward_id, is_active=True)
        self.fields["lead_unit"].queryset = units
        self.fields["coordinating_units"].queryset = units
