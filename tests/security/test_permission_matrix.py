"""The permission matrix over every route of the URL configuration (tests/security/matrix.py)."""

import pytest
from django.conf import settings

from ..conftest import module_scoped_world
from ..reports.pdftools import stub_layout
from . import matrix_world
from .matrix import ADMIN, ROLES, anonymous_expected, app_routes, entries
from .matrix_world import url_of, user_of

ROUTES = app_routes()
ENTRIES = entries()

world = pytest.fixture(module_scoped_world, name="world")  # built once for the module
pytestmark = pytest.mark.usefixtures("one_schema_per_language")  # tests/conftest.py


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


@pytest.fixture(scope="module")
def objects(module_world, django_db_blocker):
    """Every kind of object in every place, written inside the module's transaction (module_world)."""
    with django_db_blocker.unblock():
        return matrix_world.build(module_world)


@pytest.fixture(autouse=True)
def quick_pdf(monkeypatch):
    """A PDF's layout is the documents' tests' business: here a stand-in keeps the matrix fast."""
    stub_layout(monkeypatch, lambda html: b"%PDF-1.4 matrix")


CASES = [
    (key, n, role, target)
    for key, entry in ENTRIES.items()
    if entry.kind != "public"
    for n, route in enumerate((entry, *entry.also))
    for role in ROLES
    for target in route.targets
]


@pytest.mark.django_db
@pytest.mark.sqlite_pass  # the same ORM scoping on both databases: once in CI (tests/conftest.py)
@pytest.mark.parametrize(("key", "variant", "role", "target"), CASES)
def test_each_role_in_and_out_of_its_scope(client, world, objects, key, variant, role, target):
    route = (ENTRIES[key], *ENTRIES[key].also)[variant]
    client.force_login(user_of(world, objects, role))
    url = url_of(route, world, objects, role, target)
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
