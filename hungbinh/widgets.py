"""Form widgets that write Django's markup themselves instead of through its form templates.

Django renders a <select> with django/forms/widgets/select.html and one
{% include %} of select_option.html (and of attrs.html) per option, and a
text box with input.html through text.html. On the household list, whose
filter form has seven selects, a search box and a date, that was more of the
page's Python time than its fifty rows. `Select` and `TextInput` write exactly
what those templates write (tests/test_widgets.py renders both and compares);
a label that is not text (a number or a date, which the template engine would
localise) is left to Django's own rendering.
"""

from django import forms
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe


def _attr_value(value) -> str:
    """{{ value|stringformat:'s' }} in a template that autoescapes."""
    if isinstance(value, tuple):
        value = str(value)
    try:
        text = "%s" % (value,)  # noqa: UP031 - the filter's own formatting
    except (ValueError, TypeError):
        return ""
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{_attr_value(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _is_text(value) -> bool:
    return value is None or isinstance(value, str | Promise)


class Select(forms.Select):
    """forms.Select, the same markup written in Python."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = widget["optgroups"]
        if not all(_is_text(group) and all(_is_text(o["label"]) for o in options) for group, options, _i in groups):
            return super().render(name, value, attrs, renderer)
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in groups:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{_attr_value(option["value"])}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


class TextInput(forms.TextInput):
    """forms.TextInput (django/forms/widgets/input.html), the same markup written in Python."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value = "" if widget["value"] is None else f' value="{_attr_value(widget["value"])}"'
        html = f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"{value}'
        return mark_safe(f"{html}{_attrs(widget['attrs'])}>")  # noqa: S308 - every value above is escaped
