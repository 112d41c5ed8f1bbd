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
    assert keys(User(role=Role.ADMIN, is_superuser=True)) == ["dashboard", "admin", "api"]


@pytest.mark.parametrize("role", [Role.WARD_LEADER, Role.WARD_OFFICER, Role.KHOI_MEMBER, Role.UPPER_LEVEL])
def test_other_roles_do_not_see_administration(role):
    assert keys(User(role=role)) == ["dashboard", "api"]
