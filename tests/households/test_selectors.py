"""households.selectors: scope per role, and database filters that agree with the plain rules."""

import unicodedata
from datetime import date, timedelta

import pytest

from households import rules, selectors
from households.models import Household, MemberRemoval, StatusChange
from households.rules import Status

from ..factories import HouseholdFactory, KhoiFactory, MemberFactory

pytestmark = pytest.mark.django_db

ROLES = ["admin", "ward_leader_hb", "ward_officer_hb", "khoi_member_hb_k1", "upper_level", "ward_officer_qt"]
VISIBLE = {
    "admin": {"hb1", "hb2", "qt", "other"},
    "ward_leader_hb": {"hb1", "hb2"},
    "ward_officer_hb": {"hb1", "hb2"},
    "khoi_member_hb_k1": {"hb1"},
    "upper_level": {"hb1", "hb2", "qt"},
    "ward_officer_qt": {"qt"},
}


@pytest.fixture
def one_per_khoi(world):
    return {
        "hb1": HouseholdFactory(khoi=world.hb_k1),
        "hb2": HouseholdFactory(khoi=world.hb_k2),
        "qt": HouseholdFactory(khoi=world.qt_k1),
        "other": HouseholdFactory(khoi=world.other_k1),
    }


@pytest.mark.parametrize("role", ROLES)
def test_household_and_member_lists_are_scoped(world, one_per_khoi, role):
    for household in one_per_khoi.values():
        MemberFactory(household=household)
    user = world.users[role]
    expected = {one_per_khoi[name].pk for name in VISIBLE[role]}
    assert set(selectors.household_list(user=user).values_list("pk", flat=True)) == expected
    assert set(selectors.member_list(user=user).values_list("household_id", flat=True)) == expected
    for name, household in one_per_khoi.items():
        if name in VISIBLE[role]:
            assert selectors.household_detail_queryset(user=user).get(pk=household.pk) == household
        else:
            with pytest.raises(Household.DoesNotExist):
                selectors.household_detail_queryset(user=user).get(pk=household.pk)


@pytest.mark.parametrize("role", ROLES)
def test_may_see_household_follows_the_scope(world, one_per_khoi, role, django_assert_num_queries):
    with django_assert_num_queries(len(one_per_khoi)):  # one each
        seen = {
            k for k, h in one_per_khoi.items() if selectors.may_see_household(user=world.users[role], household_id=h.pk)
        }
    assert seen == VISIBLE[role]


def test_a_user_without_role_sees_nothing(world, one_per_khoi):
    from ..factories import UserFactory

    nobody = UserFactory(username="nobody")  # role admin without the superuser flag grants nothing
    assert not selectors.household_list(user=nobody).exists()


def test_household_list_counts_members_in_vietnamese_order(world):
    names = ["Trần Văn Bình", "Lê Thị An", "Đỗ Văn Đức", "Nguyễn Văn Dũng", "Phạm Thị Ánh"]
    households = {name: HouseholdFactory(khoi=world.hb_k1, head_name=name) for name in names}
    MemberFactory.create_batch(3, household=households["Lê Thị An"])
    rows = list(selectors.household_list(user=world.users["ward_officer_hb"]))
    assert [h.head_name for h in rows] == [
        "Lê Thị An",
        "Phạm Thị Ánh",
        "Trần Văn Bình",
        "Nguyễn Văn Dũng",
        "Đỗ Văn Đức",
    ]
    assert {h.head_name: h.members_count for h in rows}["Lê Thị An"] == 3


def test_household_list_query_count_does_not_grow(world, django_assert_num_queries):
    user = world.users["ward_officer_hb"]
    for _ in range(3):
        MemberFactory(household=HouseholdFactory(khoi=world.hb_k1))
    with django_assert_num_queries(1):
        [(h.ward.name, h.khoi.name, h.members_count) for h in selectors.household_list(user=user)]
    for _ in range(20):
        MemberFactory(household=HouseholdFactory(khoi=world.hb_k2))
    with django_assert_num_queries(1):
        [(h.ward.name, h.khoi.name, h.members_count) for h in selectors.household_list(user=user)]


def test_status_history_in_date_order(world):
    household = HouseholdFactory(khoi=world.hb_k1)
    later = StatusChange.objects.create(
        household=household, to_status="near_poor", effective_on=date(2025, 1, 1), reason="import"
    )
    first = StatusChange.objects.create(
        household=household, to_status="poor", effective_on=date(2023, 1, 1), reason="registration"
    )
    assert list(selectors.status_history(household=household)) == [first, later]


# --- Database filters agree with the rules --------------------------------------


@pytest.fixture
def escape_dates(world):
    """Households escaped on every day around several window boundaries, plus poor and near-poor ones."""
    days = set()
    for centre in [date(2022, 1, 31), date(2022, 2, 28), date(2021, 2, 28), date(2021, 3, 1), date(2022, 6, 15)]:
        days.update(centre + timedelta(days=d) for d in range(-3, 4))
    for offset, day in enumerate(sorted(days)):
        status = [Status.NOT_POOR, Status.AVERAGE, Status.NEAR_POOR][offset % 3]
        HouseholdFactory(khoi=world.hb_k1, status=status, status_since=day, escaped_poverty_on=day)
    HouseholdFactory(khoi=world.hb_k1, status=Status.POOR)
    HouseholdFactory(khoi=world.hb_k1, status=Status.NEAR_POOR)
    HouseholdFactory(khoi=world.hb_k1, status=Status.AVERAGE)
    return sorted(days)


def test_newly_escaped_q_and_target_q_equal_the_rules(escape_dates):
    households = list(Household.objects.all())
    as_of_days = set()
    for day in escape_dates:
        until = rules.newly_escaped_until(day)
        as_of_days.update({day - timedelta(days=1), day, until, until + timedelta(days=1)})
    as_of_days.update({date(2024, 2, 29), date(2025, 2, 28), date(2025, 3, 1), date(2025, 1, 30), date(2025, 1, 31)})
    for as_of in sorted(as_of_days):
        newly = {h.pk for h in households if h.is_newly_escaped(as_of)}
        target = {h.pk for h in households if h.is_target(as_of)}
        assert set(Household.objects.filter(selectors.newly_escaped_q(as_of)).values_list("pk", flat=True)) == newly
        assert set(Household.objects.filter(selectors.target_q(as_of)).values_list("pk", flat=True)) == target
    # The fixture really straddles boundaries: some as_of days see a change.
    assert any(h.is_newly_escaped(date(2025, 1, 30)) for h in households)
    assert not all(h.is_newly_escaped(date(2025, 1, 30)) for h in households if h.escaped_poverty_on)


# --- Search ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nguyen thi hang", {"Nguyễn Thị Hằng"}),
        ("NGUYỄN THỊ HẰNG", {"Nguyễn Thị Hằng"}),
        (unicodedata.normalize("NFD", "Hằng"), {"Nguyễn Thị Hằng"}),
        ("hang nguyen", {"Nguyễn Thị Hằng"}),  # every word, any order
        ("dang", {"Đặng Văn Long"}),
        ("le hong phong", {"Nguyễn Thị Hằng"}),  # address
        ("hb-777", {"Đặng Văn Long"}),  # code
        ("nguyen", {"Nguyễn Thị Hằng", "Nguyễn Văn Hùng"}),
        ("nguyen long", set()),
        ("", {"Nguyễn Thị Hằng", "Nguyễn Văn Hùng", "Đặng Văn Long"}),
    ],
)
def test_search_q_ignores_accents_and_case(world, query, expected):
    HouseholdFactory(khoi=world.hb_k1, head_name="Nguyễn Thị Hằng", address="Số 12, đường Lê Hồng Phong")
    HouseholdFactory(khoi=world.hb_k1, head_name="Nguyễn Văn Hùng", address="Số 3, ngõ 5, đường Trường Thi")
    HouseholdFactory(khoi=world.hb_k1, head_name="Đặng Văn Long", code="HB-777", address="")
    found = Household.objects.filter(selectors.search_q(query)).values_list("head_name", flat=True)
    assert set(found) == expected


def test_household_list_applies_the_filters_itself(world):
    as_of = date(2026, 6, 1)
    poor = HouseholdFactory(khoi=world.hb_k1, status=Status.POOR, head_name="Nguyễn Thị Hằng", ethnic_minority=True)
    escaped = HouseholdFactory(
        khoi=world.hb_k2, status=Status.NOT_POOR, escaped_poverty_on=date(2025, 1, 1), has_merit_person=True
    )
    average = HouseholdFactory(khoi=world.hb_k2, status=Status.AVERAGE)
    HouseholdFactory(khoi=world.qt_k1, status=Status.POOR)
    officer = world.users["ward_officer_hb"]

    def found(**filters):
        query = selectors.HouseholdQuery(**{"as_of": as_of, **filters})
        return set(selectors.household_list(user=officer, query=query))

    assert found() == {poor, escaped, average}  # the scope first: never Quang Trung's
    assert found(khoi=world.hb_k2.pk) == {escaped, average}
    assert found(ward=world.qt.pk) == set()
    assert found(status=Status.POOR) == {poor}
    assert found(target=True) == {poor, escaped}
    assert found(target=False) == {average}
    assert found(newly_escaped=True) == {escaped}
    assert found(newly_escaped=True, as_of=date(2028, 6, 1)) == set()  # the 36 months are over
    assert found(ethnic_minority=True) == {poor}
    assert found(has_merit_person=True) == {escaped}
    assert found(q="nguyen thi hang") == {poor}
    assert selectors.household_list(user=officer, query=selectors.HouseholdQuery()).count() == 3


def test_a_households_class_on_a_day_is_its_latest_change_up_to_that_day(world):
    """status_on: the registry's own expression (the reports' tables and a past period's plan indicators use it)."""
    left = HouseholdFactory(khoi=world.hb_k1, status=Status.AVERAGE, status_since=date(2025, 8, 1))
    StatusChange.objects.create(
        household=left, to_status=Status.POOR, effective_on=date(2022, 1, 1), reason="registration"
    )
    StatusChange.objects.create(
        household=left,
        from_status=Status.POOR,
        to_status=Status.AVERAGE,
        effective_on=date(2025, 8, 1),
        reason="decision",
        decision_number="30/QĐ-UBND",
    )
    unrecorded = HouseholdFactory(khoi=world.hb_k1, status=Status.NEAR_POOR, status_since=date(2024, 1, 15))

    def on(day):
        rows = Household.objects.annotate(then=selectors.status_on(day)).values_list("pk", "then")
        return dict(rows)

    assert on(date(2025, 7, 31)) == {left.pk: Status.POOR, unrecorded.pk: Status.NEAR_POOR}
    assert on(date(2025, 8, 1)) == {left.pk: Status.AVERAGE, unrecorded.pk: Status.NEAR_POOR}
    # Before its first change, or before the status_since of a household without history: not on the registry.
    assert on(date(2021, 12, 31)) == {left.pk: None, unrecorded.pk: None}


def test_a_households_persons_on_a_day_are_its_members_and_those_who_left_after_it(world):
    from households.models import MemberRemoval

    household = HouseholdFactory(khoi=world.hb_k1)
    MemberFactory.create_batch(2, household=household)
    MemberRemoval.objects.create(household=household, member_id=900, full_name="Đã chuyển đi", left_on=date(2025, 6, 1))
    empty = HouseholdFactory(khoi=world.hb_k1)

    def persons(day):
        return dict(Household.objects.annotate(n=selectors.persons_on(day)).values_list("pk", "n"))

    assert persons(date(2025, 5, 31)) == {household.pk: 3, empty.pk: 0}
    assert persons(date(2025, 6, 1)) == {household.pk: 2, empty.pk: 0}


# --- One household's members and removals, the khối to choose among -----------------------------


@pytest.mark.parametrize("role", ROLES)
def test_a_households_members_and_removals_are_read_only_in_scope(world, one_per_khoi, role, django_assert_num_queries):
    user = world.users[role]
    for name, household in one_per_khoi.items():
        second = MemberFactory(household=household, position=2)
        head = MemberFactory(household=household, position=1)
        older = MemberRemoval.objects.create(household=household, member_id=1, full_name="A", left_on=date(2024, 1, 1))
        latest = MemberRemoval.objects.create(
            household=household, member_id=2, full_name="B", left_on=date(2025, 1, 1), recorded_by=user
        )
        with django_assert_num_queries(2):  # the members; the removals with who recorded them
            members = list(selectors.household_members(user=user, household=household))
            removals = selectors.household_removals(user=user, household=household)
            assert [r.recorded_by for r in removals] == ([user, None] if name in VISIBLE[role] else [])
        if name in VISIBLE[role]:
            assert (members, removals) == ([head, second], [latest, older])  # on the list's order; the latest first
        else:
            assert (members, removals) == ([], [])  # another khối's or ward's household: nothing of it


def test_the_khoi_names_are_those_in_scope_ward_by_ward(world):
    hb_3 = KhoiFactory(ward=world.hb, name="Khối 0", position=3)

    def names(role):
        return selectors.khoi_names(user=world.users[role])

    assert names("ward_officer_hb") == ["Khối 1", "Khối 2", hb_3.name]  # in their order, not by name
    assert names("ward_officer_qt") == ["Khối 1"]  # not another ward's
    assert names("khoi_member_hb_k1") == ["Khối 1"]
    assert names("upper_level") == ["Khối 1", "Khối 2", "Khối 0", "Khối 1"]  # Hưng Bình's, then Quang Trung's


def test_the_khoi_to_choose_among_are_the_wards_in_scope(world, django_assert_num_queries):
    def choices(role, ward="hb"):
        return selectors.khoi_choices(user=world.users[role], ward_id=getattr(world, ward).pk)

    for role in ("admin", "ward_leader_hb", "ward_officer_hb", "upper_level"):
        assert choices(role) == [world.hb_k1, world.hb_k2]
    assert choices("ward_officer_qt") == []  # another ward's khối are not there
    assert choices("upper_level", ward="other") == []  # nor those of a ward outside the upper level's
    assert choices("admin", ward="other") == [world.other_k1]
    with django_assert_num_queries(0):  # a khối member sees their own khối only: nothing to choose, nothing read
        assert choices("khoi_member_hb_k1") == []
