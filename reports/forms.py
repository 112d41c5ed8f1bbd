"""Forms of the reports app: the population figures of the khối."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class PopulationForm(forms.Form):
    """Two numbers per khối: total households and total persons; both or neither."""

    def __init__(self, *args, khois, figures, **kwargs):
        super().__init__(*args, **kwargs)
        self.khois = list(khois)
        for khoi in self.khois:
            figure = figures.get(khoi.pk)
            self.fields[f"households_{khoi.pk}"] = forms.IntegerField(
                label=gettext_lazy("Total households"),
                min_value=0,
                max_value=10_000_000,
                required=False,
                initial=figure.households if figure else None,
            )
            self.fields[f"persons_{khoi.pk}"] = forms.IntegerField(
                label=gettext_lazy("Total persons"),
                min_value=0,
                max_value=50_000_000,
                required=False,
                initial=figure.persons if figure else None,
            )

    def rows(self):
        for khoi in self.khois:
            yield khoi, self[f"households_{khoi.pk}"], self[f"persons_{khoi.pk}"]

    def clean(self):
        data = super().clean()
        for khoi in self.khois:
            households, persons = data.get(f"households_{khoi.pk}"), data.get(f"persons_{khoi.pk}")
            if (households is None) != (persons is None):
                self.add_error(
                    f"persons_{khoi.pk}" if persons is None else f"households_{khoi.pk}",
                    _("Enter both the households and the persons of %(khoi)s, or neither.") % {"khoi": khoi.name},
                )
            elif households is not None and persons < households:
                self.add_error(
                    f"persons_{khoi.pk}",
                    _("%(khoi)s: the persons cannot be fewer than the households.") % {"khoi": khoi.name},
                )
        return data

    def figures(self) -> dict:
        result = {}
        for khoi in self.khois:
            households = self.cleaned_data.get(f"households_{khoi.pk}")
            persons = self.cleaned_data.get(f"persons_{khoi.pk}")
            result[khoi.pk] = None if households is None else (households, persons)
        return result
