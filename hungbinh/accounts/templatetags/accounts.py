"""Template helpers of the account pages."""

from datetime import timedelta

from django import template
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def duration_in_words(value: timedelta | None) -> str:
    """'15 phút', '1 giờ 30 phút', '2 ngày': how long a lock lasts (AXES_COOLOFF_HOURS), rounded up to a minute."""
    if not value:
        return ""
    minutes = max(1, -(-int(value.total_seconds()) // 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)s day", "%(n)s days", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours})
    if minutes:
        parts.append(ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes})
    return " ".join(parts)
