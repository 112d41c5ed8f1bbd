"""Forms of the task pages. They parse input; the services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from households.forms import date_field
from hungbinh.forms import FileInput

from .models import Unit
from .rules import TaskState


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    # Empty labels in words, as the support forms' selects: Django's own "---------" read as a broken list.
    item = forms.ModelChoiceField(
        label=_("Plan item"), queryset=None, required=False, empty_label=_("— Not tied to an item of the plan —")
    )
    lead_unit = forms.ModelChoiceField(
        label=_("Lead unit"), queryset=None, required=False, empty_label=_("— Choose the lead unit —")
    )
    coordinating_units = forms.ModelMultipleChoiceField(
        label=_("Coordinating units"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    due_on = date_field(_("Due on"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(ward_id=plan.ward_id, is_active=True)
        self.fields["lead_unit"].queryset = units
        self.fields["coordinating_units"].queryset = units
        self.fields["item"].queryset = plan.items.all()
        # Required by the service, which says why in Vietnamese (a task without a lead unit is refused).
        self.fields["lead_unit"].widget.attrs["required"] = True
        self.fields["due_on"].widget.attrs["required"] = True


class TaskNoteForm(forms.Form):
    on = date_field(_("Date"))
    text = forms.CharField(label=_("Progress"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    to_state = forms.ChoiceField(
        label=_("New state"), required=False, choices=[("", _("— unchanged —")), *TaskState.choices]
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TaskFileForm(forms.Form):
    attachment = forms.FileField(label=_("File"), widget=FileInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
