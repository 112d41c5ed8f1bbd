"""The household filters of CONTRACT.md section 4, shared by the API, the list page and the exports."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from . import selectors
from .models import Household
from .rules import Status


class HouseholdFilter(filters.FilterSet):
    ward = filters.NumberFilter(field_name="ward_id", label=_("Ward"))
    khoi = filters.NumberFilter(field_name="khoi_id", label=_("Khối"))
    status = filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    target = filters.BooleanFilter(method="filter_target", label=_("Target household"))
    newly_escaped = filters.BooleanFilter(method="filter_newly_escaped", label=_("Newly escaped"))
    ethnic_minority = filters.BooleanFilter(label=_("Ethnic minority household"))
    has_merit_person = filters.BooleanFilter(label=_("Has a person with merit"))
    q = filters.CharFilter(method="filter_q", label=_("Search"))
    as_of = filters.DateFilter(method="filter_noop", label=_("As of"))

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
