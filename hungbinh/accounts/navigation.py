"""What each role sees in the navigation: a plain function, tested without a request."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import is_admin


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    key: str


def nav_items(user) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    items = [NavItem(_("Overview"), reverse("dashboard"), "dashboard")]
    items.append(NavItem(_("Households"), reverse("household-list"), "household-list"))
    if is_admin(user):
        items.append(NavItem(_("Administration"), reverse("admin:index"), "admin"))
    items.append(NavItem(_("API"), reverse("api-docs"), "api"))
    return items
