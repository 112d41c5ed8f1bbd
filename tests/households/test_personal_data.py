"""households.personal_data: masking, who may reveal, what is withheld, and the access log."""

from datetime import date

import pytest

from households import personal_data
from households.models import Member, PersonalDataAccess
from households.personal_data import Channel
from households.rules import PriorityGroup
from hungbinh.accounts.models import User
from hungbinh.accounts.roles import Role

from ..factories import HouseholdFactory, MemberFactory

OFFICER = User(username="o", role=Role.WARD_OFFICER)
KHOI = User(username="k", role=Role.KHOI_MEMBER)
UPPER = User(username="u", role=Role.UPPER_LEVEL)


def test_mask_keeps_the_last_four_digits():
    assert personal_data.mask_id_number("040085123456") == "********3456"
    assert personal_data.mask_id_number("") == ""


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("********3456", True),
        ("*3456", True),
        ("040085123456", False),
        ("****", False),
        ("***x3456", False),
        ("", False),
    ],
)
def test_is_masked(value, masked):
    assert personal_data.is_masked(value) is masked


def test_ids_are_masked_unless_asked_and_allowed():
    assert personal_data.disclosure_for(OFFICER).id_number("040085123456") == "********3456"
    assert personal_data.disclosure_for(OFFICER, reveal_ids=True).id_number("040085123456") == "040085123456"
    assert personal_data.disclosure_for(KHOI, reveal_ids=True).reveal_ids
    assert not personal_data.disclosure_for(UPPER, reveal_ids=True).reveal_ids


def test_upper_level_gets_no_sensitive_field_or_group():
    upper, officer = personal_data.disclosure_for(UPPER), personal_data.disclosure_for(OFFICER)
    assert (upper.ethnicity("Thái"), upper.is_disabled(True)) == (None, None)
    assert (officer.ethnicity("Thái"), officer.is_disabled(True)) == ("Thái", True)
    assert not upper.shows("ethnicity") and not upper.shows("is_disabled") and upper.shows("id_number")
    groups = [PriorityGroup.CHILD, PriorityGroup.DISABLED]
    assert upper.groups(groups) == [PriorityGroup.CHILD]
    assert officer.groups(groups) == groups
    assert upper.value("full_name", "An") == "An"
    assert upper.value("ethnicity", "Thái") is None
    assert upper.value("id_number", None) == ""


@pytest.mark.django_db
def test_log_records_only_what_was_shown(world):
    officer = world.users["ward_officer_hb"]
    personal_data.disclosure_for(officer).log(channel=Channel.VIEW, path="/x/", household_ids=[1], member_count=3)
    assert not PersonalDataAccess.objects.exists()
    revealing = personal_data.disclosure_for(officer, reveal_ids=True)
    revealing.log(channel=Channel.VIEW, path="/x/", household_ids=[3, 1, 3], member_count=4)
    revealing.log(channel=Channel.VIEW, path="/y/", household_ids=[1], member_count=0)
    [entry] = PersonalDataAccess.objects.all()
    assert (entry.user, entry.household_ids, entry.member_count, entry.path, entry.id_numbers_shown) == (
        officer,
        [1, 3],
        4,
        "/x/",
        True,
    )


@pytest.mark.django_db
def test_log_access_for_an_export_without_full_numbers(world):
    user = world.users["upper_level"]
    entry = personal_data.log_access(
        user=user,
        channel=Channel.EXPORT,
        path="/r/" + "x" * 400,
        household_ids=[2],
        member_count=1,
        id_numbers_shown=False,
    )
    assert (entry.action, entry.id_numbers_shown, len(entry.path)) == ("export", False, 300)


@pytest.mark.django_db
def test_people_masks_withholds_and_logs_in_one_call(world):
    household = HouseholdFactory(khoi=world.hb_k1, status="poor")
    MemberFactory(
        household=household,
        full_name="A",
        id_number="040090001234",
        is_disabled=True,
        gender="male",
        birth_date=date(1990, 1, 1),
    )
    MemberFactory(household=household, full_name="B", id_number="", gender="male", birth_date=date(2015, 1, 1))
    members = Member.objects.filter(household=household).order_by("position", "id")

    def people(role, **kwargs):
        return personal_data.people(
            user=world.users[role],
            members=members,
            path="/h/",
            as_of=date(2025, 6, 1),
            household_is_target=True,
            **kwargs,
        )

    disclosure, shown = people("upper_level", reveal_ids=True)
    assert [(p.id_number, p.ethnicity, p.is_disabled) for p in shown] == [
        ("********1234", None, None),
        ("", None, None),
    ]
    assert shown[0].groups == [] and shown[1].groups == [PriorityGroup.CHILD]
    assert not PersonalDataAccess.objects.exists()
    disclosure, shown = people("ward_officer_hb", reveal_ids=True)
    assert shown[0].id_number == "040090001234" and shown[0].groups == [PriorityGroup.DISABLED]
    assert shown[1].age == 10
    entry = PersonalDataAccess.objects.get()
    assert (entry.action, entry.member_count, entry.household_ids) == ("view", 1, [household.pk])
