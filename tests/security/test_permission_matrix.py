"""The permission matrix over every route of the URL configuration (tests/security/matrix.py)."""

import re
from dataclasses import dataclass

import pytest
from django.conf import settings

from ..factories import HouseholdFactory, MemberFactory
from .matrix import ADMIN, ROLES, TARGETS, anonymous_expected, app_routes, entries

ROUTES = app_routes()
ENTRIES = entries()


def test_every_route_has_an_entry():
    missing = sorted(set(ROUTES) - set(ENTRIES))
    assert not missing, (
        "Routes without an entry in the permission matrix: add each to ROUTES in tests/<app>/permissions.py "
        f"(who may use it, on what): {missing}"
    )
    gone = sorted(set(ENTRIES) - set(ROUTES))
    assert not gone, f"Entries for routes that no longer exist: {gone}"


@pytest.mark.django_db
@pytest.mark.parametrize("key", list(ROUTES))
def test_anonymous_visitors_are_turned_away(client, api_client, key):
    route = ENTRIES.get(key)
    if route is None:
        pytest.skip("no entry yet: test_every_route_has_an_entry says so")
    url = ROUTES[key]
    response = getattr(client, route.method)(url)
    assert response.status_code in anonymous_expected(route), (url, response.status_code)
    if response.status_code == 302 and route.kind != "public":
        login = "/admin/login/" if route.kind == ADMIN else settings.LOGIN_URL
        assert response["Location"].startswith(login if login.startswith("/") else "/accounts/login/")


@dataclass
class Objects:
    households: dict
    members: dict


@pytest.fixture
def objects(world):
    households, members = {}, {}
    for name in TARGETS.values():
        khoi = getattr(world, name)
        households[name] = HouseholdFactory(khoi=khoi, code=f"M-{name}")
        members[name] = MemberFactory(household=households[name])
    return Objects(households, members)


def _url(route, world, objects, target):
    if route.object is None:
        return "/" + route.path
    khoi = TARGETS[target]
    household, member = objects.households[khoi], objects.members[khoi]
    ids = {
        "household": {"pk": household.pk},
        "member": {"pk": household.pk, "member_pk": member.pk} if "{member_pk}" in route.path else {"pk": member.pk},
        "ward": {"pk": getattr(world, khoi).ward_id},
        "khoi": {"pk": getattr(world, khoi).pk},
    }[route.object]
    return "/" + re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), route.path)


CASES = [
    (key, role, target)
    for key, route in ENTRIES.items()
    if not route.covered_by and route.kind != "public"
    for role in ROLES
    for target in (TARGETS if route.object else (None,))
]


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "role", "target"), CASES)
def test_each_role_in_and_out_of_its_scope(client, world, objects, key, role, target):
    route = ENTRIES[key]
    client.force_login(world.users[role])
    url = _url(route, world, objects, target)
    response = getattr(client, route.method)(url)
    expected = route.expected(role, target)
    assert response.status_code == expected, (url, role, target, response.status_code, expected)


def test_a_new_route_without_an_entry_is_found(settings):
    settings.ROOT_URLCONF = "tests.security.error_urls"  # the app's routes and two more
    from django.urls import clear_url_caches

    clear_url_caches()
    try:
        assert set(app_routes()) - set(ENTRIES) == {"fails/", "locked/"}
    finally:
        clear_url_caches()
