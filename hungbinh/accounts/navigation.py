"""What each role sees in the navigation: plain functions, tested without a request.

This module is the one place that decides the menu. An app adds its entry in
`nav_items` with the role test it needs and the URL names of its pages
(`sections`), so that the bar marks the entry as current on every one of them.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .roles import Role, is_admin, is_unit_member, role_of

# People who write scripts against the API: the administrator and the upper
# level (a city's script downloads the wards' reports). Others find the API
# documentation from the README and the admin, not in their menu.
SCRIPTING_ROLES = frozenset({Role.ADMIN, Role.UPPER_LEVEL})
# The household reviews (docs/reviews.md): ward staff run them, khối members survey, the upper level reads.
REVIEW_ROLES = frozenset({Role.ADMIN, Role.WARD_LEADER, Role.WARD_OFFICER, Role.KHOI_MEMBER, Role.UPPER_LEVEL})
# Who opens the review-result tables and progress reports (docs/reports.md).
REPORT_ROLES = frozenset({Role.ADMIN, Role.WARD_LEADER, Role.WARD_OFFICER, Role.UPPER_LEVEL})


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    key: str
    # URL names of the pages under this entry; a name ending in "-" is a prefix.
    sections: tuple[str, ...] = ()

    def covers(self, url_name: str | None) -> bool:
        if not url_name:
            return False
        return url_name == self.key or any(
            url_name.startswith(s) if s.endswith("-") else url_name == s for s in self.sections
        )


def nav_items(user) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    items = [
        NavItem(_("Overview"), reverse("dashboard"), "dashboard"),
        NavItem(_("Households"), reverse("household-list"), "household-list", ("household-", "member-")),
    ]
    if role_of(user) in REVIEW_ROLES:
        items.append(NavItem(_("Reviews"), reverse("reviews-campaigns"), "reviews-campaigns", ("reviews-",)))
    if is_unit_member(user):
        # A unit's people see their unit's work and support, not the registry (docs/program.md).
        items = [items[0], NavItem(_("My work"), reverse("my-work"), "my-work", ("task-",))]
    if role_of(user) in REPORT_ROLES:
        items.append(
            NavItem(
                _("Reports"),
                reverse("report-index"),
                "report-index",
                ("report-results", "report-population", "report-submissions"),
            )
        )
    items += [
        NavItem(_("Plans"), reverse("plan-list"), "plan-list", ("plan-", "subproject-")),
        NavItem(_("Support given"), reverse("support-list"), "support-list", ("support-",)),
    ]
    if not is_unit_member(user):
        items.append(NavItem(_("Tasks"), reverse("task-list"), "task-list", ("task-", "my-work")))
    if is_admin(user):
        items.append(NavItem(_("Administration"), reverse("admin:index"), "admin"))
    if role_of(user) in SCRIPTING_ROLES:
        # The API is outside the language prefixes: the docs are told the page's language (hungbinh/api_urls.py).
        language = get_language()
        docs = reverse("api-docs") + (f"?lang={language}" if language != settings.LANGUAGE_CODE else "")
        items.append(NavItem(_("API"), docs, "api"))
    return items


def current_key(items: list[NavItem], url_name: str | None) -> str | None:
    """The entry the page belongs to, for aria-current; None on pages outside the menu."""
    return next((item.key for item in items if item.covers(url_name)), None)


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str
    current: bool


# Each language named in itself, so that someone who does not read the current one finds theirs.
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


def language_links(path: str, current: str) -> list[LanguageLink]:
    """The same page in each language: the language is in the URL (/en/…), so a plain link switches it."""
    return [
        LanguageLink(code, LANGUAGE_NAMES.get(code, code), translate_url(path, code), code == current)
        for code, _name in settings.LANGUAGES
    ]
