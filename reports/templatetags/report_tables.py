"""Filters of the report tables' markup (templates/reports/includes/report_table.html)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def formula_breaks(text) -> str:
    """A column's formula ("2 = 3+4+5+…+14") may wrap after each plus sign: without spaces the sum is one word
    as wide as itself, which widened its column past the screen on the page and past the page in the PDF."""
    return mark_safe(str(conditional_escape(text)).replace("+", "+<wbr>"))  # noqa: S308 - escaped above
