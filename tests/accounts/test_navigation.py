"""What each role sees in the navigation."""

import pytest
from django.contrib.auth.models import AnonymousUser

from hungbinh.accounts.models import User
from hungbinh.accounts.navigation import nav_items
from hungbinh.accounts.roles import Role


def keys(user):
    return [item.key for item in nav_items(user)]


def test_anonymous_sees_no_navigation():
    assert nav_items(AnonymousUser()) == []


def test_admin_sees_administration():
    admin_keys = keys(User(role=Role.ADMIN, is_superuser=True))
    assert admin_keys[0] == "dashboard"
    assert {"admin", "api"} <= set(admin_keys)


@pytest.mark.parametrize("role", [Role.WARD_LEADER, Role.WARD_OFFICER, Role.KHOI_MEMBER, Role.UPPER_LEVEL])
def test_other_roles_do_not_see_administration(role):
    role_keys = keys(User(role=role))
    assert role_keys[0] == "dashboard"
    assert "api" in role_keys
    assert "admin" not in role_keys


def test_items_link_to_their_pages():
    for item in nav_items(User(role=Role.ADMIN, is_superuser=True)):
        assert item.url.startswith("/")
        assert str(item.label)
