"""assignments/selectors.py: the units a user works for (the "my work" page's heading and duties)."""

import pytest

from assignments import selectors

from ..factories import UnitFactory, UnitMemberFactory

pytestmark = pytest.mark.django_db


def test_a_unit_member_works_for_their_unit_and_the_one_it_is_a_member_of(world, django_assert_num_queries):
    front = UnitFactory(ward=world.hb, name="Ủy ban MTTQ", kind="mass_organisation", position=1)
    women = UnitFactory(ward=world.hb, name="Hội LHPN", kind="mass_organisation", position=2, parent=front)
    UnitFactory(ward=world.hb, name="Đoàn Thanh niên", kind="mass_organisation", position=3, parent=front)
    person = UnitMemberFactory(unit=women)
    with django_assert_num_queries(1):  # the unit and its parent together, in the units' order
        assert selectors.user_units(person) == [front, women]
    assert selectors.user_units(UnitMemberFactory(unit=front)) == [front]  # not its member organisations


@pytest.mark.parametrize("role", ["admin", "ward_officer_hb", "khoi_member_hb_k1", "upper_level"])
def test_other_roles_work_for_no_unit_and_nothing_is_read(world, role, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.user_units(world.users[role]) == []
