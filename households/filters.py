"""The household filters of the public API, shared by the API, the list page and the exports."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
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


class VietnameseDateFilter(filters.DateFilter):
    """dd/mm/yyyy from the list page's form, ISO from the API: one parser (hungbinh/forms.py)."""

    field_class = VietnameseDateField


class HouseholdFilter(filters.FilterSet):
    ward = filters.NumberFilter(field_name="ward_id", label=_("Ward"))
    khoi = filters.NumberFilter(field_name="khoi_id", label=_("Khối"))
    status = filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    target = StrictBooleanFilter(method="filter_target", label=_("Target household"))
    newly_escaped = StrictBooleanFilter(method="filter_newly_escaped", label=_("Newly escaped"))
    ethnic_minority = StrictBooleanFilter(label=_("Ethnic minority household"))
    has_merit_person = StrictBooleanFilter(label=_("Has a person with merit"))
    q = filters.CharFilter(method="filter_q", label=_("Search"))
    as_of = VietnameseDateFilter(method="filter_noop", label=_("As of"))

    class Meta:
        model = Household
        fields = ["ward", "khoi", "status", "target", "newly_escaped", "ethnic_minority", "has_merit_person", "q"]

    @property
    def as_of_date(self):
        """The date the newly-escaped window is tested on (default: today in Vietnam)."""
        if self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("as_of"):
            return self.form.cleaned_data["as_of"]
        return timezone.localdate()

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_target(self, queryset, name, value):
        condition = selectors.target_q(self.as_of_date)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_newly_escaped(self, queryset, name, value):
        condition = selectors.newly_escaped_q(self.as_of_date)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_q(self, queryset, name, value):
        return queryset.filter(selectors.search_q(value))
