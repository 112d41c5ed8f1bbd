"""hungbinh/accounts/roles.py: plain functions over a user, and the scope constraint."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from hungbinh.accounts import roles
from hungbinh.accounts.models import User
from hungbinh.accounts.roles import Role

from ..factories import KhoiFactory, UpperUnitFactory, WardFactory


def user(role, *, superuser=False):
    # Unsaved: the role functions must not need the database.
    return User(username="x", role=role, is_superuser=superuser)


ADMIN = user(Role.ADMIN, superuser=True)
LEADER = user(Role.WARD_LEADER)
OFFICER = user(Role.WARD_OFFICER)
KHOI = user(Role.KHOI_MEMBER)
UPPER = user(Role.UPPER_LEVEL)
# The default role without the superuser flag, e.g. a half-configured account.
BARE = user(Role.ADMIN)
ANON = AnonymousUser()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (ADMIN, Role.ADMIN),
        (LEADER, Role.WARD_LEADER),
        (OFFICER, Role.WARD_OFFICER),
        (KHOI, Role.KHOI_MEMBER),
        (UPPER, Role.UPPER_LEVEL),
        (BARE, None),
        (ANON, None),
        (None, None),
    ],
)
def test_role_of(who, expected):
    assert roles.role_of(who) == expected


def test_superuser_flag_makes_any_role_admin():
    assert roles.role_of(user(Role.WARD_OFFICER, superuser=True)) == Role.ADMIN


# Columns: is_admin, can_edit_registry, can_manage_ward, can_see_id_numbers, can_see_sensitive_data
PERMISSIONS = {
    "admin": (ADMIN, (True, True, True, True, True)),
    "ward_leader": (LEADER, (False, True, True, True, True)),
    "ward_officer": (OFFICER, (False, True, True, True, True)),
    "khoi_member": (KHOI, (False, True, False, True, True)),
    "upper_level": (UPPER, (False, False, False, False, False)),
    "no_role": (BARE, (False, False, False, False, False)),
    "anonymous": (ANON, (False, False, False, False, False)),
}


@pytest.mark.parametrize("name", PERMISSIONS)
def test_what_each_role_may_do(name):
    who, expected = PERMISSIONS[name]
    actual = (
        roles.is_admin(who),
        roles.can_edit_registry(who),
        roles.can_manage_ward(who),
        roles.can_see_id_numbers(who),
        roles.can_see_sensitive_data(who),
    )
    assert actual == expected


# --- The database holds the role/scope invariant -----------------------------


@pytest.fixture
def scope(db):
    ward = WardFactory()
    return {"ward": ward, "khoi": KhoiFactory(ward=ward), "upper_unit": UpperUnitFactory()}


@pytest.mark.parametrize(
    ("role", "fields"),
    [
        (Role.WARD_OFFICER, ()),
        (Role.WARD_LEADER, ()),
        (Role.WARD_OFFICER, ("khoi",)),
        (Role.WARD_OFFICER, ("ward", "khoi")),
        (Role.KHOI_MEMBER, ()),
        (Role.KHOI_MEMBER, ("ward",)),
        (Role.KHOI_MEMBER, ("khoi", "ward")),
        (Role.UPPER_LEVEL, ()),
        (Role.UPPER_LEVEL, ("upper_unit", "ward")),
        (Role.ADMIN, ("ward",)),
    ],
)
def test_scope_must_match_role(scope, role, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="broken", role=role, **{f: scope[f] for f in fields})
    assert not User.objects.filter(username="broken").exists()


@pytest.mark.parametrize(
    ("role", "fields"),
    [
        (Role.ADMIN, ()),
        (Role.WARD_LEADER, ("ward",)),
        (Role.WARD_OFFICER, ("ward",)),
        (Role.KHOI_MEMBER, ("khoi",)),
        (Role.UPPER_LEVEL, ("upper_unit",)),
    ],
)
def test_matching_scope_is_accepted(scope, role, fields):
    User.objects.create(username="fine", role=role, **{f: scope[f] for f in fields})
    assert User.objects.filter(username="fine", role=role).exists()


def test_constraint_error_is_explained_in_vietnamese_by_model_validation(scope):
    officer = User(username="broken", role=Role.WARD_OFFICER)
    officer.set_unusable_password()
    with translation.override("vi"), pytest.raises(ValidationError, match="Phạm vi không khớp với vai trò"):
        officer.full_clean()
