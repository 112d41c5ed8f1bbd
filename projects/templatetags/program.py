from django import template

from projects import rules

register = template.Library()


@register.filter
def vnd(value):
    """12500000 → 12.500.000 (Vietnamese thousands separators)."""
    if value is None or value == "":
        return ""
    return rules.vnd(int(value))
