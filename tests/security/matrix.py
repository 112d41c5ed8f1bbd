"""The permission matrix, generated from the URL configuration (issue 11, "Checks in CI").

Every route the app serves is read from the URL configuration itself, and each
must have an entry in the ROUTES list of one of the `tests/<app>/permissions.py`
modules; a new route without one fails `test_every_route_has_an_entry`, so the
apps built next inherit the checks by construction.

An entry says who may use the route and what the answer is:

- every route, with or without an entry's details, is asked by an anonymous
  visitor, who must be sent to the login page (pages), get a 401 (API) or, for
  the few public routes, the route's own answer;
- every entry is asked by every role of the test world (tests/security/matrix_world.py builds an object of
  every kind in every place), about an object in the role's own khối ("own"), the ward's other khối
  ("other_khoi"), another ward of the same upper level ("other_ward") and a ward outside it ("outside"); a
  ward-level object is its khối's ward's, a unit's object its unit's ("own": the unit member's unit,
  "other_khoi": another unit of the ward). A role that may not use the route gets `forbidden` (403), an
  object outside the role's scope 404 (SCOPES: who sees which), and everyone else `ok`.

Writes are sent with an empty body: a role that may write gets the form again
or a 400 (nothing is written), so the matrix never changes the data it reads.
"""

import importlib
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

ROLES = (
    "admin",
    "ward_leader_hb",
    "ward_officer_hb",
    "khoi_member_hb_k1",
    "unit_member_hb",
    "upper_level",
    "ward_officer_qt",
)
# Where the object of a request lies, seen from khối 1 of Hưng Bình (tests/security/matrix_world.py).
TARGETS = {"own": "hb_k1", "other_khoi": "hb_k2", "other_ward": "qt_k1", "outside": "other_k1"}
# The khối whose objects each role may see (households/scoping.py): households, members, reviews, meetings…
VISIBLE = {
    "admin": {"hb_k1", "hb_k2", "qt_k1", "other_k1"},
    "ward_leader_hb": {"hb_k1", "hb_k2"},
    "ward_officer_hb": {"hb_k1", "hb_k2"},
    "khoi_member_hb_k1": {"hb_k1"},
    "unit_member_hb": set(),
    "upper_level": {"hb_k1", "hb_k2", "qt_k1"},
    "ward_officer_qt": {"qt_k1"},
}
# Ward-level objects (a campaign, a decision, a submitted report): a khối member sees its khối's ward's.
WARD_VISIBLE = {**VISIBLE, "khoi_member_hb_k1": {"hb_k1", "hb_k2"}}
# The program's ward-level objects (plans, units): a unit member sees its unit's ward's (docs/program.md, §3).
PROGRAM_VISIBLE = {**WARD_VISIBLE, "unit_member_hb": {"hb_k1", "hb_k2"}}
# Each object kind: which targets each role sees (the rest is a 404).
SCOPES = {
    "household": VISIBLE,
    "member": VISIBLE,
    "khoi": VISIBLE,
    "review": VISIBLE,
    "campaign_khoi": VISIBLE,
    # Hưng Bình's campaign asked about the khối of each target (?khoi=): another ward's khối is no khối of it.
    "campaign_any_khoi": {role: khois & {"hb_k1", "hb_k2"} for role, khois in VISIBLE.items()},
    "meeting": VISIBLE,
    "posting": VISIBLE,
    "certificate": VISIBLE,
    "movement": VISIBLE,
    "ward": WARD_VISIBLE,
    "campaign": WARD_VISIBLE,
    "decision": WARD_VISIBLE,
    "upper_report": WARD_VISIBLE,
    # A ward's reports: its staff and the upper level, not the khối's or a unit's members (docs/reports.md).
    "submission": {**WARD_VISIBLE, "khoi_member_hb_k1": set()},
    "plan": PROGRAM_VISIBLE,
    "plan_item": PROGRAM_VISIBLE,
    "unit": PROGRAM_VISIBLE,
    # Budgets and indicators: not a unit member's (docs/program.md, §3).
    "budget": WARD_VISIBLE,
    "indicator": WARD_VISIBLE,
    # The upper-level unit: Hưng Bình's and Quang Trung's is the city; the outside ward's another.
    "upper": {**WARD_VISIBLE, "upper_level": {"hb_k1", "hb_k2", "qt_k1"}},
    # Support: a khối member its khối's households, a unit member what its unit recorded ("own").
    "intervention": {**VISIBLE, "unit_member_hb": {"hb_k1"}},
    # Tasks: a unit member its unit's ("own": the Women's Union); a khối member the khối committees' ("other_khoi").
    "task": {**WARD_VISIBLE, "khoi_member_hb_k1": {"hb_k2"}, "unit_member_hb": {"hb_k1"}},
    # A job is only ever shown to the user who asked for it, the administrator included.
    "job": {role: {"hb_k1"} for role in VISIBLE},
}
# Objects that belong to no ward (the national catalogue, the poverty standards): asked once, not per target.
GLOBAL = frozenset({"standard", "program", "subproject"})
ALL_ROLES = frozenset(ROLES)
EDITORS = frozenset({"admin", "ward_leader_hb", "ward_officer_hb", "khoi_member_hb_k1", "ward_officer_qt"})
WARD_STAFF = frozenset({"admin", "ward_leader_hb", "ward_officer_hb", "ward_officer_qt"})
# Whoever works with the ward's people: everyone but the read-only upper level (and the unit member, whose
# program pages are their own entries).
NOT_UPPER = ALL_ROLES - {"upper_level"}
LEADERS = frozenset({"admin", "ward_leader_hb"})
# Who sees a ward's report tables and submitted reports (reports/selectors.py, may_see_ward_reports).
REPORT_READERS = frozenset({"admin", "ward_leader_hb", "ward_officer_hb", "upper_level", "ward_officer_qt"})
# The program: who records support (roles.can_record_support), who works on tasks (can_work_on_tasks).
SUPPORT_RECORDERS = WARD_STAFF | {"unit_member_hb"}
TASK_WORKERS = ALL_ROLES - {"upper_level"}

PAGE, API, PUBLIC, ADMIN = "page", "api", "public", "admin"


@dataclass(frozen=True)
class Route:
    """One route of the URL configuration, as `route_key` writes it ("households/{pk}/edit/")."""

    path: str
    kind: str = PAGE  # page (login redirect), api (401), public (no login), admin (the admin's login)
    method: str = "get"
    # What the route's ids point at (a kind of SCOPES or GLOBAL); None for a route without an object.
    object: str | None = None
    # Values of the route's other parameters ({"period": "2025"}).
    params: tuple = ()
    # A query string that changes what the route is about ("khoi={khoi_id}", filled like the path).
    query: str = ""
    allowed: frozenset = ALL_ROLES
    ok: int = 200
    forbidden: int = 403
    # The route finds its object before it asks the role (an API action: the viewset's lookup, then the
    # service): a role that may not act gets 404 for an object outside its scope, 403 inside it.
    lookup_first: bool = False
    # A role whose answer in its scope differs from `ok` (e.g. a 409 for a paper not ready for it): (role, status)…
    answers: tuple = ()
    # The same route asked about another kind of object (results of a ward, and of an upper-level unit).
    also: tuple = ()
    # The anonymous answer when it differs from the kind's (e.g. 405 for a POST-only route asked with GET).
    anonymous: int | None = None

    def expected(self, role: str, target: str | None) -> int:
        hidden = target is not None and not visible(role, self.object, TARGETS[target])
        if role not in self.allowed:
            return 404 if hidden and self.lookup_first else self.forbidden
        return 404 if hidden else dict(self.answers).get(role, self.ok)

    @property
    def targets(self) -> tuple:
        """The places the route is asked about: every target for a scoped object, once otherwise."""
        return tuple(TARGETS) if self.object in SCOPES else (None,)


def visible(role: str, kind: str, khoi: str) -> bool:
    """Whether the object of `kind` in (or of the ward of) `khoi` is in the role's scope."""
    return khoi in SCOPES[kind][role]


# --- Reading the URL configuration ------------------------------------------------

_DRF_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def route_key(pattern: str) -> str:
    """'^households/(?P<pk>[^/.]+)/$' and 'households/<int:pk>/' both as 'households/{pk}/'."""
    key = pattern.replace("^", "").replace("$", "").replace("\\.", ".")
    key = _DRF_GROUP.sub(lambda m: "{" + m.group(1) + "}", key)
    return _CONVERTER.sub(lambda m: "{" + m.group(2) + "}", key)


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def app_routes() -> dict[str, str]:
    """Every route of the URL configuration once, key → a URL of it with stand-in ids.

    Not a route's English twin (/en/…), nor its format suffixes; the admin's own pages are one entry
    (tests/test_admin_pages.py checks them).
    """
    routes = {}
    for pattern in _walk(get_resolver().url_patterns):
        key = route_key(pattern)
        if key.startswith("en/") or "{format}" in key:
            continue
        if key.startswith("admin/"):
            key, pattern = "admin/", "admin/"
        routes.setdefault(key, "/" + _fill(pattern))
    return dict(sorted(routes.items()))


def route_choices() -> dict[str, dict[str, list[str]]]:
    """The words a route's parameters choose from, by route key: {"reports/lists/…{extension}": {"extension":
    ["pdf", "xlsx"]}} for (?P<extension>pdf|xlsx), so that a sweep asks for every one of them."""
    found: dict[str, dict[str, list[str]]] = {}
    for pattern in _walk(get_resolver().url_patterns):
        for name, body in re.findall(r"\(\?P<(\w+)>\(?([a-z]+(?:\|[a-z]+)+)\)?\)", pattern):
            found.setdefault(route_key(pattern), {})[name] = body.split("|")
    return found


_STAND_INS = ("1", "2025", "ward", "x")


def _fill(pattern: str) -> str:
    """A URL of the pattern, with stand-ins its parameters accept."""

    def group(match):
        body = match.group(0)[len(match.group(1)) + 5 : -1]
        # A choice such as (?P<extension>pdf|xlsx) takes its first word.
        candidates = (*_STAND_INS, *body.strip("()").split("|"))
        return next((c for c in candidates if re.fullmatch(body, c)), "1")

    url = re.sub(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)", group, pattern)
    url = url.replace("^", "").replace("$", "").replace("\\.", ".")
    return _CONVERTER.sub(lambda m: str(uuid.UUID(int=1)) if m.group(1) == "uuid" else "1", url)


# --- The entries, from every app's tests/<app>/permissions.py ----------------------

TESTS = Path(__file__).resolve().parent.parent


def entries() -> dict[str, Route]:
    found: dict[str, Route] = {}
    for module_path in sorted(TESTS.glob("*/permissions.py")):
        module = importlib.import_module(f"tests.{module_path.parent.name}.permissions")
        for route in module.ROUTES:
            assert route.path not in found, f"{route.path} has two entries"
            found[route.path] = route
    return found


def anonymous_expected(route: Route) -> set[int]:
    if route.anonymous is not None:
        return {route.anonymous}
    return {PAGE: {302}, API: {401}, ADMIN: {302}, PUBLIC: {200, 302, 405}}[route.kind]
