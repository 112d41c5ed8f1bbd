"""python manage.py seed_demo on an empty database with DEBUG off: refused, unless forced (README, "Tài khoản
mẫu"). The demo it seeds is read in test_seed_demo.py."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from households.models import Khoi, UpperUnit, Ward
from hungbinh.accounts.models import User

pytestmark = pytest.mark.django_db


def counts():
    return (UpperUnit.objects.count(), Ward.objects.count(), Khoi.objects.count(), User.objects.count())


@override_settings(DEBUG=False)
def test_refuses_with_debug_off():
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert counts() == (0, 0, 0, 0)


@override_settings(DEBUG=False)
def test_force_runs_with_debug_off():
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    assert "users 6" in out.getvalue()  # the registry's six; the program adds the unit account
    assert re.search(r"populations [1-9]\d*, reviews [1-9]\d*", out.getvalue())  # reports/demo.py, reviews/demo.py
    assert counts() == (1, 2, 18, 7)
