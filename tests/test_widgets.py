"""hungbinh.widgets.Select writes what Django's select templates write (hungbinh/widgets.py)."""

from datetime import date

import pytest
from django import forms
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from households.forms import HouseholdFilterForm
from hungbinh.forms import VietnameseDateInput
from hungbinh.widgets import Select, TextInput

CHOICES = [("", _("All")), ("poor", _("Poor household")), (3, "Khối 3"), ("x", 'a "quoted" <b>label</b> & more')]
GROUPED = [("", "—"), ("Khối 1 – Phường <A>", [(1, "Một"), (2, "Hai")]), ("Khác", [("z", _("Other"))])]


@pytest.mark.parametrize("choices", [CHOICES, GROUPED, []], ids=["flat", "groups", "empty"])
@pytest.mark.parametrize("value", [None, "", "poor", 3, "3", 2, "z", "<none>", ["x"]])
@pytest.mark.parametrize(
    "attrs",
    [
        None,
        {"id": "id_f"},
        {"id": "id_f", "aria-invalid": "true", "aria-describedby": "id_f_helptext id_f_error", "required": True},
        {"disabled": False, "data-x": None, "class": 'a"b<c>', "data-safe": mark_safe("<i>"), "data-t": (1, 2)},
    ],
)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_select_writes_the_markup_of_djangos_templates(choices, value, attrs, language):
    with translation.override(language):
        ours = Select(attrs={"class": "wide"}, choices=choices).render("f", value, attrs=attrs)
        django = forms.Select(attrs={"class": "wide"}, choices=choices).render("f", value, attrs=attrs)
    assert ours == django
    assert type(ours) is type(django)


def test_a_label_that_is_not_text_is_left_to_django():
    choices = [(1, 2025), (2, date(2025, 1, 31)), (3, 1.5)]
    assert Select(choices=choices).render("f", 2) == forms.Select(choices=choices).render("f", 2)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    "data",
    [None, {"status": "poor", "khoi": "abc", "target": "true", "newly_escaped": "maybe"}, {"ethnic_minority": "false"}],
)
def test_the_filter_forms_selects_render_as_djangos(world, data, language):
    """Every select of the list page's filter form, bound or not, valid or not, with Django's Select put back."""
    user = world.users["admin"]  # several wards: the ward select too, khối named with their ward
    with translation.override(language):
        form = HouseholdFilterForm(data, user=user)
        form.is_valid()
        selects = [name for name, field in form.fields.items() if isinstance(field.widget, Select)]
        assert {"ward", "khoi", "status", "target", "newly_escaped", "ethnic_minority", "has_merit_person"} <= set(
            selects
        )
        ours = [str(form[name]) for name in selects]
        for name in selects:
            plain = forms.Select(choices=form.fields[name].choices)
            plain.attrs = form.fields[name].widget.attrs
            form.fields[name].widget = plain
        assert ours == [str(form[name]) for name in selects]


@pytest.mark.parametrize("value", [None, "", 'nguyễn thị <hằng> & "x"', 3, date(2025, 1, 31), mark_safe("<b>")])
@pytest.mark.parametrize(
    "attrs",
    [
        None,
        {"id": "id_q", "type": "search", "placeholder": _("Name, code or address"), "autocomplete": "off"},
        {"id": "id_f", "aria-invalid": "true", "required": True, "disabled": False, "data-x": None, "class": 'a"b'},
    ],
)
def test_text_input_writes_the_markup_of_djangos_template(value, attrs):
    with translation.override("vi"):
        assert TextInput(attrs=attrs).render("q", value) == forms.TextInput(attrs=attrs).render("q", value)
        assert TextInput().render("q", value, attrs=attrs) == forms.TextInput().render("q", value, attrs=attrs)


@pytest.mark.parametrize("value", [None, "", "31/02/2025", date(2025, 8, 15), "15082010"])
@pytest.mark.parametrize("attrs", [None, {"id": "id_as_of", "aria-describedby": "id_as_of_helptext"}])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_date_box_writes_the_markup_of_djangos_template(value, attrs, language):
    widget = VietnameseDateInput()
    with translation.override(language):
        # The box alone (the words and the calendar's texts are the widget's own).
        assert TextInput.render(widget, "d", value, attrs) == forms.Widget.render(widget, "d", value, attrs)
