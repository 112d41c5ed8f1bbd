"""The household filters of the public API, shared by the API, the list page and the exports."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from hungbinh.forms import VietnameseDateField

from . import selectors
from .models import Household
from .rules import Status

TRUE_WORDS = frozenset({"true", "1", "yes", "có"})
FALSE_WORDS = frozenset({"false", "0", "no", "không"})


class StrictBooleanField(forms.Field):
    """true/false (also 1/0, có/không); anything else is an error, not a silently ignored filter."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValidationError(_("Use true or false (got “%(value)s”)."), code="invalid", params={"value": value})


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        # The REST flavour's BooleanWidget turns unknown words into "no filter"; read the raw text instead.
        kwargs["widget"] = forms.TextInput
        super().__init__(*args, **kwargs)


# The largest id a database stores (a signed 64-bit integer): SQLite cannot even compare with a larger one.
MAX_ID = 2**63 - 1


class IdFilter(filters.NumberFilter):
    """A ward, khối or household id: a whole number the database can hold; anything else is a 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        message = _("Enter a number.")
        kwargs.setdefault("error_messages", {"invalid": message, "min_value": message, "max_value": message})
        super().__init__(*args, **kwargs)


class VietnameseDateFilter(filters.DateFilter):
    """dd/mm/yyyy from the list page's form, ISO from the API: one parser (hungbinh/forms.py)."""

    field_class = VietnameseDateField


class HouseholdFilter(filters.FilterSet):
    ward = IdFilter(field_name="ward_id", label=_("Ward"))
    khoi = IdFilter(field_name="khoi_id", label=_("Khối"))
    status = filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    target = StrictBooleanFilter(label=_("Target household"))
    newly_escaped = StrictBooleanFilter(label=_("Newly escaped"))
    ethnic_minority = StrictBooleanFilter(label=_("Ethnic minority household"))
    has_merit_person = StrictBooleanFilter(label=_("Has a person with merit"))
    q = filters.CharFilter(label=_("Search"))
    as_of = VietnameseDateFilter(label=_("As of"))

    class Meta:
        model = Household
        fields = ["ward", "khoi", "status", "target", "newly_escaped", "ethnic_minority", "has_merit_person", "q"]

    @property
    def query(self) -> selectors.HouseholdQuery:
        """The valid filters read from the parameters; an invalid one is left out (the API refuses it first)."""
        data = {}
        if self.is_bound:
            self.form.is_valid()  # cleaned_data then holds the fields that are valid
            data = {name: value for name, value in self.form.cleaned_data.items() if value not in (None, "")}
        for name in ("ward", "khoi"):
            if name in data:
                data[name] = int(data[name])
        return selectors.HouseholdQuery(**data)

    @property
    def as_of_date(self):
        """The date the newly-escaped window is tested on (default: today in Vietnam)."""
        return self.query.as_of_date

    def filter_queryset(self, queryset):
        # The selectors apply the filters (households.selectors.household_filter); this class reads them.
        return selectors.household_filter(queryset, self.query)
