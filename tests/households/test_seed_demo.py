"""python manage.py seed_demo (README, "Tài khoản mẫu").

The demo is seeded once for the module (`demo`: in a transaction held for the module, by held_transaction),
since seeding takes seconds; each test reads it in a savepoint of its own, and a test that seeds again (a
second run adds nothing) or changes the data does so in that savepoint, rolled back after it. What the
command does on an empty database with DEBUG off is in test_seed_demo_debug.py.
"""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory, override_settings

from households.models import Khoi, UpperUnit, Ward
from hungbinh.accounts.models import User
from hungbinh.accounts.roles import Role, role_of

from ..conftest import held_transaction

pytestmark = pytest.mark.django_db

PASSWORD = "hungbinh@2025"


def seed(*args):
    with override_settings(DEBUG=True):
        call_command("seed_demo", *args, stdout=StringIO())


def counts():
    return (UpperUnit.objects.count(), Ward.objects.count(), Khoi.objects.count(), User.objects.count())


@pytest.fixture(scope="module")
def module_demo(django_db_setup, django_db_blocker):
    yield from held_transaction(django_db_blocker, seed)


@pytest.fixture
def demo(module_demo, db):
    """The demo as `seed_demo` leaves it on an empty database, seeded once for the module."""


def test_creates_the_two_demo_wards_with_their_khoi(demo):
    hb = Ward.objects.get(name="Hưng Bình")
    qt = Ward.objects.get(name="Quang Trung")
    assert hb.area_type == qt.area_type == "urban"
    assert hb.upper_unit == qt.upper_unit
    assert list(hb.khois.values_list("name", flat=True)) == [f"Khối {n}" for n in range(1, 16)]
    assert list(qt.khois.values_list("name", flat=True)) == ["Khối 1", "Khối 2", "Khối 3"]


DEMO_USERS = [
    ("admin", Role.ADMIN, None),
    ("lanhdao", Role.WARD_LEADER, ("ward", "Hưng Bình")),
    ("canbo", Role.WARD_OFFICER, ("ward", "Hưng Bình")),
    ("khoi1", Role.KHOI_MEMBER, ("khoi", "Hưng Bình/Khối 1")),
    ("thanhpho", Role.UPPER_LEVEL, ("upper_unit", None)),
    ("canbo_qt", Role.WARD_OFFICER, ("ward", "Quang Trung")),
    # A unit account: the Fatherland Front of Hưng Bình (projects/demo.py, docs/program.md).
    ("mattran", Role.UNIT_MEMBER, ("unit", "Hưng Bình/Ủy ban Mặt trận Tổ quốc phường")),
]


def test_creates_the_demo_users_with_their_role_scope_and_password(demo):
    assert sorted(User.objects.values_list("username", flat=True)) == sorted(u for u, _r, _s in DEMO_USERS)
    for username, role, scope in DEMO_USERS:
        request = RequestFactory().post("/accounts/login/")
        user = authenticate(request, username=username, password=PASSWORD)
        assert user is not None, f"{username} cannot log in with the demo password"
        assert role_of(user) == role, username
        if scope is None:
            assert user.is_superuser and user.is_staff
            assert (user.ward, user.khoi, user.upper_unit) == (None, None, None)
        elif scope[0] == "ward":
            assert user.ward.name == scope[1], username
        elif scope[0] == "khoi":
            assert f"{user.khoi.ward.name}/{user.khoi.name}" == scope[1], username
        elif scope[0] == "unit":
            assert f"{user.unit.ward.name}/{user.unit.name}" == scope[1], username
        else:
            assert set(user.upper_unit.wards.values_list("name", flat=True)) == {"Hưng Bình", "Quang Trung"}


def test_running_twice_adds_nothing_and_keeps_changed_passwords(demo):
    before = counts()
    assert before == (1, 2, 18, 7)
    user = User.objects.get(username="canbo")
    user.set_password("another-secret-2025")
    user.save()
    seed()
    assert counts() == before
    user.refresh_from_db()
    assert user.check_password("another-secret-2025")


# --- Demo households (README, "Tài khoản mẫu") ---------------------------------------


def test_demo_households_cover_every_status_khoi_and_priority_group(demo):
    from datetime import date

    from django.utils import timezone

    from households import rules
    from households.models import Household, Member, MemberRemoval

    hb = Ward.objects.get(name="Hưng Bình")
    households = list(Household.objects.filter(ward=hb).prefetch_related("members", "status_changes"))
    assert len(households) >= 300
    assert {h.status for h in households} == {"poor", "near_poor", "average", "not_poor"}
    assert {h.khoi.name for h in households} == {f"Khối {n}" for n in range(1, 16)}
    qt_count = Household.objects.filter(ward__name="Quang Trung").count()
    assert 24 <= qt_count <= 60
    assert Household.objects.get(ward=hb, code="HB-0001").head_name == "Nguyễn Thị Hằng"

    today = timezone.localdate()
    for h in households:
        assert 2 <= h.members.count() <= 6, h.code
        changes = list(h.status_changes.all())
        assert changes[0].reason == "registration" and changes[0].from_status == ""
        assert changes[-1].to_status == h.status and changes[-1].effective_on == h.status_since
        assert all(c.decision_number.endswith("/QĐ-UBND") for c in changes[1:])
        for member in h.members.all():
            if member.id_number:
                assert member.id_number.startswith("040")
                problems = rules.id_number_problems(
                    member.id_number, birth_date=member.birth_date, gender=member.gender
                )
                assert problems == [], (member.full_name, problems)
        assert h.address.startswith("Số ") and h.address.endswith(f"khối {h.khoi.position}")
    assert sum(len(h.status_changes.all()) > 1 for h in households) > 50
    # Every household and member has its history row ("created").
    assert sorted(Household.history.filter(history_type="+").values_list("id", flat=True)) == sorted(
        Household.objects.values_list("id", flat=True)
    )
    removals = MemberRemoval.objects.filter(household__ward=hb)
    assert Member.history.filter(history_type="+").count() == Member.objects.count() + removals.count()
    # Two people who left, with why and when (docs/member-removal.md).
    assert sorted(removals.values_list("reason", flat=True)) == ["died", "moved_away"]

    # Newly escaped households on both sides of their 36-month boundary, today.
    escaped = [h for h in households if h.escaped_poverty_on]
    ends = {h.newly_escaped_until() for h in escaped}
    assert today in ends  # last day of the window is today: still newly escaped
    assert today - date.resolution in ends  # ended yesterday: no longer
    newly = [h for h in escaped if h.is_newly_escaped(today)]
    assert newly and len(newly) < len(escaped)
    assert any(rules.add_months(h.escaped_poverty_on, 35) == today for h in newly)
    assert any(rules.add_months(h.escaped_poverty_on, 37) == today for h in escaped if h not in newly)

    # Every priority group has someone in it.
    groups = set()
    for h in households:
        groups.update(
            rules.household_priority_groups(
                status=h.status, ethnic_minority=h.ethnic_minority, has_merit_person=h.has_merit_person
            )
        )
        target = h.is_target(today)
        for m in h.members.all():
            groups.update(
                rules.member_priority_groups(
                    household_is_target=target,
                    birth_date=m.birth_date,
                    gender=m.gender,
                    is_disabled=m.is_disabled,
                    as_of=today,
                )
            )
    assert groups == set(rules.PriorityGroup.values)
    assert Member.objects.filter(household__ethnic_minority=True).exclude(ethnicity="Kinh").exists()
    assert Member.objects.filter(has_merit=True, household__has_merit_person=True).exists()


def test_demo_households_are_deterministic_and_a_second_run_adds_nothing(demo):
    from households.models import Household, Member, StatusChange

    snapshot = list(Household.objects.order_by("ward_id", "code").values_list("code", "head_name", "address", "status"))
    ids = sorted(Member.objects.values_list("full_name", "id_number"))
    totals = (
        Household.objects.count(),
        Member.objects.count(),
        StatusChange.objects.count(),
        Household.history.count(),
        Member.history.count(),
    )
    seed()
    assert (
        Household.objects.count(),
        Member.objects.count(),
        StatusChange.objects.count(),
        Household.history.count(),
        Member.history.count(),
    ) == totals
    from projects.models import Intervention
    from reviews.models import Campaign, Certificate, Decision, Review

    Intervention.objects.all().delete()  # the program's demo support protects its households
    Certificate.objects.all().delete()  # and so do the demo decision's certificates and reviews,
    Review.objects.filter(decision__isnull=False).delete()
    Decision.objects.all().delete()
    Campaign.objects.all().delete()  # and the demo review's list
    Household.objects.all().delete()
    seed()
    assert list(
        Household.objects.order_by("ward_id", "code").values_list("code", "head_name", "address", "status")
    ) == (snapshot)
    assert sorted(Member.objects.values_list("full_name", "id_number")) == ids


# --- Demo review campaign and population figures (reviews/demo.py, reports/demo.py) --------


def test_demo_review_campaign_is_half_way_and_population_covers_the_registry(demo):
    from django.db.models import Count

    from households.models import Household, Member
    from reports.models import KhoiPopulation
    from reviews.models import Campaign, Certificate, Decision, Meeting, Posting, Review, ReviewEvent

    hb = Ward.objects.get(name="Hưng Bình")
    campaign = Campaign.objects.get(ward=hb, kind="periodic")
    assert (campaign.kind, campaign.year, campaign.month) == ("periodic", 2025, None)
    assert campaign.standard.year_from <= 2026 <= campaign.standard.year_to
    reviews = list(Review.objects.filter(campaign=campaign).select_related("household"))
    listed = Household.objects.filter(ward=hb, status__in=["poor", "near_poor"]).count()
    # Every poor and near-poor household was listed: those khối 2's decision took off the lists included.
    escaped = sum(1 for r in reviews if r.decision_id and r.proposed_status not in ("poor", "near_poor"))
    assert len(reviews) == listed + escaped > 100 and escaped > 0
    assert {r.from_status for r in reviews} == {"poor", "near_poor"}
    by_khoi = {}
    for review in reviews:
        by_khoi.setdefault(review.khoi.position, set()).add(review.state)
    assert by_khoi[2] == {"recognised"}  # through the meeting, the posting and lanhdao's decision
    assert by_khoi[3] == {"posted"}  # its decision is for lanhdao to try
    assert by_khoi[4] == by_khoi[5] == {"verified"}
    assert {"listed", "draft", "submitted"} <= set().union(*(by_khoi[p] for p in range(6, 16)))
    assert "listed" in by_khoi[1] and "draft" in by_khoi[1]  # khoi1 still has households to survey
    decision = Decision.objects.get(campaign=campaign)
    assert (decision.number, decision.signed_by.username) == ("245/QĐ-UBND", "lanhdao")
    assert {r.decision_id for r in reviews if r.khoi.position == 2} == {decision.pk}
    assert not any(r.decision_id for r in reviews if r.khoi.position != 2)
    report = campaign.upper_reports.get()
    assert report.sent_on <= decision.signed_on and report.answer
    recognised = [r for r in reviews if r.decision_id]
    certified = Certificate.objects.filter(review__decision=decision)
    assert certified.count() == sum(r.proposed_status in ("poor", "near_poor") for r in recognised) > 0
    for review in recognised:  # the decision wrote the class into the registry
        assert review.household.status == review.proposed_status
    # The minutes of khối 2 name the chair and secretary; khối 3's leave them to be written by hand.
    meetings = {m.khoi.position: m for m in Meeting.objects.filter(campaign=campaign)}
    assert meetings[2].chair and meetings[2].secretary and not meetings[3].chair and not meetings[3].secretary
    # October's regular reviews: one application of khối 1, refused in writing by lanhdao.
    regular = Campaign.objects.get(ward=hb, kind="regular", year=2025, month=10)
    refused = regular.reviews.get()
    assert (refused.state, refused.source, refused.khoi.position) == ("refused", "form_01", 1)
    assert len(refused.refusal_reason.splitlines()) == 3
    assert refused.events.get(action="refuse").by.username == "lanhdao"
    assert {r.proposed_status for r in reviews if r.state != "listed"} == {"poor", "near_poor", "average"}
    assert Meeting.objects.filter(campaign=campaign).count() == Posting.objects.filter(campaign=campaign).count() == 2
    assert set(
        ReviewEvent.objects.filter(review__khoi__position=1, action="submit").values_list("by__username", flat=True)
    ) == {"khoi1"}

    years = set(KhoiPopulation.objects.values_list("year", flat=True))
    assert {2021, 2025, 2026} <= years
    assert KhoiPopulation.objects.count() == Ward.objects.get(name="Quang Trung").khois.count() * len(years) + 15 * len(
        years
    )
    registered = dict(Household.objects.values("khoi_id").annotate(n=Count("pk")).values_list("khoi_id", "n"))
    persons = dict(
        Member.objects.values("household__khoi_id").annotate(n=Count("pk")).values_list("household__khoi_id", "n")
    )
    for figure in KhoiPopulation.objects.all():
        assert registered.get(figure.khoi_id, 0) <= figure.households <= 500
        assert persons.get(figure.khoi_id, 0) <= figure.persons and 3 * figure.households <= figure.persons

    totals = (
        Review.objects.count(),
        ReviewEvent.objects.count(),
        Meeting.objects.count(),
        Decision.objects.count(),
        Certificate.objects.count(),
        KhoiPopulation.objects.count(),
    )
    states = sorted(Review.objects.values_list("household__code", "state", "proposed_status", "income_per_capita"))
    KhoiPopulation.objects.filter(year=2025, khoi__position=1, khoi__ward=hb).update(households=999, persons=3999)
    seed()
    assert (
        Review.objects.count(),
        ReviewEvent.objects.count(),
        Meeting.objects.count(),
        Decision.objects.count(),
        Certificate.objects.count(),
        KhoiPopulation.objects.count(),
    ) == totals
    assert (
        sorted(Review.objects.values_list("household__code", "state", "proposed_status", "income_per_capita")) == states
    )
    assert (
        KhoiPopulation.objects.get(year=2025, khoi__position=1, khoi__ward=hb).households == 999
    )  # a correction survives


def test_demo_review_history_is_dated_in_the_story_not_on_the_seeding_day(demo):
    import datetime

    from django.utils import timezone

    from reviews.models import Campaign, ReviewEvent

    hb = Ward.objects.get(name="Hưng Bình")
    refused = Campaign.objects.get(ward=hb, kind="regular", year=2025, month=10).reviews.get()
    steps = [(e.action, timezone.localtime(e.at).date()) for e in refused.events.order_by("at", "id")]
    surveyed = datetime.date(2025, 10, 23)
    assert steps == [
        ("apply", refused.applied_on),
        ("save", surveyed),
        ("submit", surveyed),
        ("refuse", refused.closed_on),
    ]
    campaign = Campaign.objects.get(ward=hb, kind="periodic", year=2025)
    events = list(
        ReviewEvent.objects.filter(review__campaign=campaign).select_related("review__posting", "review__decision")
    )
    assert len(events) > 100
    held_on = {m.khoi_id: m.held_on for m in campaign.meetings.all()}
    for event in events:
        day = timezone.localtime(event.at).date()
        review = event.review
        if event.action == "meeting":
            assert day == held_on[review.khoi_id]
        elif event.action == "post":
            assert day == review.posting.starts_on
        elif event.action == "decision":
            assert day == review.decision.signed_on
        else:  # the survey and its verification, before the meetings
            assert campaign.starts_on <= day < min(held_on.values()), (event.action, day)
    # Each review's steps keep the order in which they were taken.
    by_review = {}
    for event in sorted(events, key=lambda e: e.pk):
        by_review.setdefault(event.review_id, []).append(event.at)
    assert all(times == sorted(times) for times in by_review.values())


def test_demo_indicators_count_the_poverty_rate_from_the_registry(demo):
    """The plan's poverty rate and its fall (projects/demo.py) start from the rate the year's progress report
    counts at its start, by the registry's history, and reach the rate it counts at the year's end."""
    from datetime import date

    from projects.models import Plan
    from projects.selectors import indicator_rows
    from reports.periods import parse_period
    from reports.progress import _classes_table

    hb = Ward.objects.get(name="Hưng Bình")
    plan = Plan.objects.get(ward=hb, year=2025, state="issued")
    # The total row: total households, poor at the start, its rate, poor at the end, its rate, …
    total = _classes_table(hb, parse_period("2025")).rows[-1].values
    rows = {row.indicator.source: row for row in indicator_rows(plan, as_of=date(2025, 12, 31))}
    assert rows["poor_rate"].baseline == rows["poor_rate_reduction"].start_rate == total[2]
    assert rows["poor_rate"].achieved == total[4]
    assert rows["poor_rate_reduction"].achieved == total[2] - total[4]
