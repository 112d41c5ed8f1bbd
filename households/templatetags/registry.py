"""Template helpers of the registry pages."""

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from households.models import Household

register = template.Library()

# One row of the list. Every value put in it is escaped first (_row), with
# html.escape: what django.utils.html.escape does, without its lazy-string checks.
ROW = (
    '<tr data-testid="household-row" data-card>'
    '<td class="code" data-label="{code_label}">{code}</td>'
    '<td class="name"><a href="{detail}{pk}/">{head_name}</a></td>'
    '<td class="nowrap" data-label="{khoi_label}">{khoi}{ward}</td>'
    '<td class="address wide" data-label="{address_label}">{address}</td>'
    '<td class="status-cell"><span class="badge status status-{status}">{status_label}</span></td>'
    "{until}"
    '<td class="num" data-label="{members_label}">{members}</td>'
    "</tr>"
)
UNTIL = '<td data-label="{label}"><span class="badge escaped">{until}</span></td>'
NO_UNTIL = '<td data-label="{label}" class="empty-cell">—</td>'
WARD = ' <span class="muted">· {}</span>'


@register.simple_tag
def household_rows(rows, *, show_ward: bool):
    """The rows of the household list.

    Built in Python rather than with a template loop: on a 50-row page the
    template engine's per-cell lookups cost more than the SQL behind the page
    (bench/RESULTS.md). The markup is the one the list page's CSS expects.
    The labels are translated and escaped once per page; format_html's
    escaping of each argument and get_status_display's search of the choices
    for each row were most of the tag's time.
    """
    page = {
        "code_label": escape(_("Code")),
        "khoi_label": escape(_("Khối")),
        "address_label": escape(_("Address")),
        "members_label": escape(_("Members")),
        "detail": escape(reverse("household-detail", args=[0])[: -len("0/")]),
    }
    until_label = escape(_("Newly escaped until"))
    no_until = NO_UNTIL.format(label=until_label)
    # What get_status_display shows, for every status at once.
    status_labels = {value: escape(str(label)) for value, label in Household._meta.get_field("status").flatchoices}
    html = "\n".join(
        ROW.format(
            **page,
            code=escape(household.code),
            pk=household.pk,
            head_name=escape(household.head_name),
            khoi=escape(household.khoi.name),
            ward=WARD.format(escape(household.ward.name)) if show_ward else "",
            address=escape(household.address or "—"),
            status=escape(household.status),
            status_label=status_labels.get(household.status) or escape(str(household.status)),
            until=UNTIL.format(label=until_label, until=until.strftime("%d/%m/%Y")) if until else no_until,
            members=household.members_count,
        )
        for household, until in rows
    )
    return mark_safe(html)  # noqa: S308 - every value above is escaped
