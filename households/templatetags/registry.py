"""Template helpers of the registry pages."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def household_rows(rows, *, show_ward: bool):
    """The rows of the household list.

    Built in Python rather than with a template loop: on a 50-row page the
    template engine's per-cell lookups cost more than the SQL behind the page
    (bench/RESULTS.md). The markup is the one the list page's CSS expects.
    """
    labels = {
        "code": _("Code"),
        "khoi": _("Khối"),
        "address": _("Address"),
        "until": _("Newly escaped until"),
        "members": _("Members"),
    }
    detail = reverse("household-detail", args=[0])[: -len("0/")]
    return format_html_join("\n", "{}", ((_row(h, until, labels, detail, show_ward),) for h, until in rows))


def _row(household, newly_until, labels, detail_prefix, show_ward):
    ward = format_html(' <span class="muted">· {}</span>', household.ward.name) if show_ward else ""
    if newly_until:
        until_cell = format_html(
            '<td data-label="{}"><span class="badge escaped">{}</span></td>',
            labels["until"],
            newly_until.strftime("%d/%m/%Y"),
        )
    else:
        until_cell = format_html('<td data-label="{}" class="empty-cell">—</td>', labels["until"])
    return format_html(
        '<tr data-testid="household-row" data-card>'
        '<td class="code" data-label="{}">{}</td>'
        '<td class="name"><a href="{}{}/">{}</a></td>'
        '<td class="nowrap" data-label="{}">{}{}</td>'
        '<td class="address wide" data-label="{}">{}</td>'
        '<td class="status-cell"><span class="badge status status-{}">{}</span></td>'
        "{}"
        '<td class="num" data-label="{}">{}</td>'
        "</tr>",
        labels["code"],
        household.code,
        detail_prefix,
        household.pk,
        household.head_name,
        labels["khoi"],
        household.khoi.name,
        ward,
        labels["address"],
        household.address or "—",
        household.status,
        household.get_status_display(),
        until_cell,
        labels["members"],
        household.members_count,
    )
