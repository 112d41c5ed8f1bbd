"""python manage.py seed_demo (CONTRACT.md section 2)."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory, override_settings

from households.models import Khoi, UpperUnit, Ward
from hungbinh.accounts.models import User
from hungbinh.accounts.roles import Role, role_of

pytestmark = pytest.mark.django_db

PASSWORD = "hungbinh@2025"


def seed(*args):
    with override_settings(DEBUG=True):
        call_command("seed_demo", *args, stdout=StringIO())


def counts():
    return (UpperUnit.objects.count(), Ward.objects.count(), Khoi.objects.count(), User.objects.count())


def test_creates_the_two_demo_wards_with_their_khoi():
    seed()
    hb = Ward.objects.get(name="Hưng Bình")
    qt = Ward.objects.get(name="Quang Trung")
    assert hb.area_type == qt.area_type == "urban"
    assert hb.upper_unit == qt.upper_unit
    assert list(hb.khois.values_list("name", flat=True)) == [f"Khối {n}" for n in range(1, 16)]
    assert list(qt.khois.values_list("name", flat=True)) == ["Khối 1", "Khối 2", "Khối 3"]


@pytest.mark.parametrize(
    ("username", "role", "scope"),
    [
        ("admin", Role.ADMIN, None),
        ("lanhdao", Role.WARD_LEADER, ("ward", "Hưng Bình")),
        ("canbo", Role.WARD_OFFICER, ("ward", "Hưng Bình")),
        ("khoi1", Role.KHOI_MEMBER, ("khoi", "Hưng Bình/Khối 1")),
        ("thanhpho", Role.UPPER_LEVEL, ("upper_unit", None)),
        ("canbo_qt", Role.WARD_OFFICER, ("ward", "Quang Trung")),
    ],
)
def test_creates_the_demo_users_with_their_role_scope_and_password(username, role, scope):
    seed()
    request = RequestFactory().post("/accounts/login/")
    user = authenticate(request, username=username, password=PASSWORD)
    assert user is not None, f"{username} cannot log in with the demo password"
    assert role_of(user) == role
    if scope is None:
        assert user.is_superuser and user.is_staff
        assert (user.ward, user.khoi, user.upper_unit) == (None, None, None)
    elif scope[0] == "ward":
        assert user.ward.name == scope[1]
    elif scope[0] == "khoi":
        assert f"{user.khoi.ward.name}/{user.khoi.name}" == scope[1]
    else:
        assert set(user.upper_unit.wards.values_list("name", flat=True)) == {"Hưng Bình", "Quang Trung"}


def test_running_twice_adds_nothing_and_keeps_changed_passwords():
    seed()
    before = counts()
    assert before == (1, 2, 18, 6)
    user = User.objects.get(username="canbo")
    user.set_password("another-secret-2025")
    user.save()
    seed()
    assert counts() == before
    user.refresh_from_db()
    assert user.check_password("another-secret-2025")


@override_settings(DEBUG=False)
def test_refuses_with_debug_off():
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert counts() == (0, 0, 0, 0)


@override_settings(DEBUG=False)
def test_force_runs_with_debug_off():
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    assert "users 6" in out.getvalue()
    assert counts() == (1, 2, 18, 6)
