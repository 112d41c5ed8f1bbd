"""What each role sees in the navigation, and which entry a page belongs to."""

import pytest
from django.contrib.auth.models import AnonymousUser

from hungbinh.accounts.models import User
from hungbinh.accounts.navigation import current_key, nav_items
from hungbinh.accounts.roles import Role


def keys(user):
    return [item.key for item in nav_items(user)]


def test_anonymous_sees_no_navigation():
    assert nav_items(AnonymousUser()) == []


def test_admin_sees_administration_and_the_api():
    assert keys(User(role=Role.ADMIN, is_superuser=True)) == [
        "dashboard",
        "household-list",
        "reviews-campaigns",
        "report-index",
        "plan-list",
        "support-list",
        "task-list",
        "admin",
        "api",
    ]


@pytest.mark.parametrize("role", [Role.WARD_LEADER, Role.WARD_OFFICER])
def test_people_who_do_not_write_scripts_see_no_api(role):
    assert keys(User(role=role)) == [
        "dashboard",
        "household-list",
        "reviews-campaigns",
        "report-index",
        "plan-list",
        "support-list",
        "task-list",
    ]


def test_khoi_members_see_no_reports():
    assert keys(User(role=Role.KHOI_MEMBER)) == [
        "dashboard",
        "household-list",
        "reviews-campaigns",
        "plan-list",
        "support-list",
        "task-list",
    ]


def test_upper_level_keeps_the_api_for_its_scripts():
    assert keys(User(role=Role.UPPER_LEVEL)) == [
        "dashboard",
        "household-list",
        "reviews-campaigns",
        "report-index",
        "plan-list",
        "support-list",
        "task-list",
        "api",
    ]


def test_a_unit_member_sees_their_work_not_the_registry():
    assert keys(User(role=Role.UNIT_MEMBER)) == ["dashboard", "my-work", "plan-list", "support-list"]


def test_items_link_to_their_pages():
    for item in nav_items(User(role=Role.ADMIN, is_superuser=True)):
        assert item.url.startswith("/")
        assert str(item.label)


@pytest.mark.parametrize(
    ("url_name", "key"),
    [
        ("dashboard", "dashboard"),
        ("household-list", "household-list"),
        ("household-detail", "household-list"),
        ("member-edit", "household-list"),
        ("report-results", "report-index"),
        ("report-population", "report-index"),
        ("report-submissions", "report-index"),
        ("plan-budgets", "plan-list"),
        ("subproject-detail", "plan-list"),
        ("support-bulk", "support-list"),
        ("task-detail", "task-list"),
        ("reviews-review", "reviews-campaigns"),
        ("reviews-khoi", "reviews-campaigns"),
        ("my-work", "task-list"),
        ("password_change", None),
        (None, None),
    ],
)
def test_the_entry_a_page_belongs_to(url_name, key):
    assert current_key(nav_items(User(role=Role.WARD_OFFICER)), url_name) == key
