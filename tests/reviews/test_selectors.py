"""reviews/selectors.py: what each role sees of a khối's reviews, its committee and a review's certificate."""

from datetime import date

import pytest

from households.models import StatusChange
from reviews import selectors, services
from reviews.models import Review, ReviewSettings
from tests.factories import HouseholdFactory, KhoiMemberFactory, MemberFactory

from .conftest import POOR_SURVEY, review_of, to_posted, to_verified

pytestmark = pytest.mark.django_db


# --- A khối's reviews, with the overdue flag --------------------------------------------


@pytest.mark.parametrize(
    ("role", "khoi", "seen"),
    [
        ("ward_officer_hb", "hb_k1", ["K1-01", "K1-02", "K1-03"]),
        ("admin", "hb_k2", ["K2-01"]),
        ("khoi_member_hb_k1", "hb_k1", ["K1-01", "K1-02", "K1-03"]),
        ("khoi_member_hb_k1", "hb_k2", []),  # another khối
        ("ward_officer_qt", "hb_k1", []),  # another ward
    ],
)
def test_a_khois_reviews_are_those_in_the_users_scope(world, campaign, role, khoi, seen):
    reviews = selectors.khoi_review_list(user=world.users[role], campaign=campaign, khoi=getattr(world, khoi))
    assert sorted(r.household.code for r in reviews) == seen
    assert not any(r.overdue for r in reviews)  # a periodic campaign's reviews are never late one by one


@pytest.fixture
def regular(world, officer):
    """September 2025's regular reviews of Hưng Bình: one applied on 1/9, one on 20/9, one decided late."""
    campaign = services.campaign_open(by=officer, ward=world.hb, kind="regular", year=2025, month=9)
    for code, applied_on, state in (
        ("K1-21", date(2025, 9, 1), "submitted"),
        ("K1-22", date(2025, 9, 20), "listed"),
        ("K1-23", date(2025, 9, 1), "refused"),
    ):
        household = HouseholdFactory(khoi=world.hb_k1, code=code, status="poor")
        Review.objects.create(
            campaign=campaign,
            household=household,
            khoi=world.hb_k1,
            from_status="poor",
            source="form_01",
            applied_on=applied_on,
            state=state,
            refusal_reason="Không đủ điều kiện" if state == "refused" else "",
        )
    return campaign


def _overdue(world, campaign, today, user="ward_officer_hb"):
    reviews = selectors.khoi_review_list(user=world.users[user], campaign=campaign, khoi=world.hb_k1, today=today)
    return {r.household.code: r.overdue for r in reviews}


def test_a_regular_review_still_open_past_its_days_is_overdue(world, regular):
    # 15 days from 1/9: the 16th is still in time, the 17th is late; a refused review is closed.
    assert _overdue(world, regular, date(2025, 9, 16)) == {"K1-21": False, "K1-22": False, "K1-23": False}
    assert _overdue(world, regular, date(2025, 9, 17)) == {"K1-21": True, "K1-22": False, "K1-23": False}
    assert _overdue(world, regular, date(2025, 10, 6), "khoi_member_hb_k1")["K1-22"] is True


def test_the_wards_own_number_of_days_counts(world, regular, django_assert_num_queries):
    ReviewSettings.objects.create(ward=world.hb, regular_review_days=10)
    with django_assert_num_queries(2):  # the reviews, the ward's settings: whatever the number of reviews
        assert _overdue(world, regular, date(2025, 9, 12))["K1-21"] is True


def test_a_regular_reviews_due_day_counts_the_wards_own_days(world, regular, campaign, django_assert_num_queries):
    first, second = (
        Review.objects.select_related("campaign")
        .filter(campaign=regular, household__code__in=["K1-21", "K1-22"])
        .order_by("household__code")
    )
    assert selectors.review_due_on(first) == date(2025, 9, 16)  # the default 15 days
    ReviewSettings.objects.create(ward=world.hb, regular_review_days=10)
    days_by_ward = {}
    with django_assert_num_queries(1):  # the ward's settings, once for the rows of a list
        assert selectors.review_due_on(first, days_by_ward) == date(2025, 9, 11)
        assert selectors.review_due_on(second, days_by_ward) == date(2025, 9, 30)
    yearly = Review.objects.select_related("campaign").filter(campaign=campaign).first()
    with django_assert_num_queries(0):  # a yearly review has no due day of its own
        assert selectors.review_due_on(yearly) is None


# --- The khối's committee ----------------------------------------------------------------


def test_the_committee_is_the_khois_active_members_by_name(world):
    binh = KhoiMemberFactory(khoi=world.hb_k2, last_name="Binh")
    an = KhoiMemberFactory(khoi=world.hb_k2, last_name="An")
    KhoiMemberFactory(khoi=world.hb_k2, last_name="Ba", is_active=False)
    assert selectors.khoi_committee_list(khoi=world.hb_k2) == [an, binh]
    assert selectors.khoi_committee_list(khoi=world.hb_k1) == [world.users["khoi_member_hb_k1"]]
    assert selectors.khoi_committee_list(khoi=world.qt_k1) == []


# --- A review's certificate ----------------------------------------------------------


def test_a_review_has_a_certificate_once_its_decision_gives_one(
    world, campaign, officer, leader, households, django_assert_num_queries
):
    review = to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    with django_assert_num_queries(0):  # no decision, no certificate: nothing to read
        assert selectors.review_certificate(review=review) is None
    services.upper_report_record(by=officer, campaign=campaign, sent_on=date(2025, 11, 10), number="150/BC-UBND")
    services.decision_issue(by=leader, campaign=campaign, number="1/QĐ", signed_on=date(2025, 11, 20), reviews=[review])
    review = selectors.review_detail(user=world.users["khoi_member_hb_k1"], pk=review.pk)
    certificate = selectors.review_certificate(review=review)
    assert (certificate.number, certificate.household_id) == ("1/GCN-HN.HCN", households["p1"].pk)


# --- A review's complaints and steps; a campaign's reports and decisions ---------------------


def test_a_reviews_complaints_come_in_order_and_its_steps_newest_first(
    campaign, officer, households, django_assert_num_queries
):
    review = to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    for day, content in ((date(2025, 11, 5), "Hộ có ô tô"), (date(2025, 11, 4), "Hộ có nhà cho thuê")):
        services.complaint_record(by=officer, review=review, received_on=day, content=content)
    steps = list(review.events.order_by("-at", "-id").values_list("pk", flat=True))
    with django_assert_num_queries(1):
        complaints = selectors.review_complaints(review=review)
    assert [c.content for c in complaints] == ["Hộ có nhà cho thuê", "Hộ có ô tô"]
    with django_assert_num_queries(1):  # who took each step comes with it
        events = selectors.review_events(review=review, limit=2)
        assert [e.pk for e in events] == steps[:2] and all(e.by == officer for e in events)


def test_a_campaigns_reports_and_decisions_are_read_once_each(
    world, campaign, officer, leader, households, django_assert_num_queries
):
    reviews = [
        to_posted(campaign, review_of(campaign, households[key]), officer=officer, survey=POOR_SURVEY)
        for key in ("p1", "p3")  # khối 1 and khối 2
    ]
    for day, number in ((date(2025, 11, 12), "152/BC-UBND"), (date(2025, 11, 10), "150/BC-UBND")):
        services.upper_report_record(by=officer, campaign=campaign, sent_on=day, number=number)
    for review, day, number in zip(reviews, (date(2025, 11, 20), date(2025, 11, 25)), ("1/QĐ", "2/QĐ"), strict=True):
        services.decision_issue(by=leader, campaign=campaign, number=number, signed_on=day, reviews=[review])
    with django_assert_num_queries(1):
        assert [r.number for r in selectors.campaign_upper_reports(campaign=campaign)] == ["150/BC-UBND", "152/BC-UBND"]
    # A decision is the ward's: the khối 1 member's board lists the one of khối 2's household too, newest first.
    campaign = selectors.campaign_list(user=world.users["khoi_member_hb_k1"]).get(pk=campaign.pk)
    with django_assert_num_queries(1):
        assert [d.number for d in selectors.campaign_decisions(campaign=campaign)] == ["2/QĐ", "1/QĐ"]


# --- Movements outside a review ------------------------------------------------------------


def test_movements_are_those_of_the_households_in_scope_the_latest_first(world, officer, households):
    def move(key, day):
        return services.household_movement_record(
            by=officer, household=households[key], movement="moved_away", occurred_on=day, reason="Chuyển đi"
        )

    k1_early, k1_late, k2 = move("p1", date(2025, 3, 1)), move("p2", date(2025, 6, 1)), move("p3", date(2025, 4, 1))
    StatusChange.objects.create(
        household=households["n1"], to_status="poor", effective_on=date(2025, 7, 1), reason="registration"
    )
    qt = services.household_movement_record(
        by=world.users["ward_officer_qt"],
        household=households["qt"],
        movement="dissolved",
        occurred_on=date(2025, 5, 1),
        reason="Giải thể",
    )

    def seen(role):
        return list(selectors.movement_list(user=world.users[role]))

    assert seen("ward_officer_hb") == [k1_late, k2, k1_early]  # not the registration of another kind
    assert seen("khoi_member_hb_k1") == [k1_late, k1_early]
    assert seen("ward_officer_qt") == [qt]
    assert seen("upper_level") == [k1_late, qt, k2, k1_early]


# --- What the meeting, the decision and an application choose from -------------------------


def test_a_reviews_page_reads_it_in_scope_with_its_indicators_and_members_in_order(
    world, campaign, households, django_assert_num_queries
):
    household = households["p1"]
    for position in (3, 1, 2):
        MemberFactory(household=household, position=position)
    review = review_of(campaign, household)
    with django_assert_num_queries(3):  # the review, the standard's indicators, the household's members
        page = selectors.review_page(user=world.users["khoi_member_hb_k1"], pk=review.pk)
    with django_assert_num_queries(0):
        assert [m.position for m in page.household.members.all()] == [1, 2, 3]
        assert page.campaign.standard.indicators.all()
    for user in (world.users["ward_officer_qt"], KhoiMemberFactory(khoi=world.hb_k2)):  # another ward, khối
        with pytest.raises(Review.DoesNotExist):
            selectors.review_page(user=user, pk=review.pk)


def test_the_meeting_votes_on_the_khois_verified_reviews_by_name(world, campaign, officer, households):
    verified = to_verified(review_of(campaign, households["p1"]), officer=officer)
    to_verified(review_of(campaign, households["p3"]), officer=officer)  # khối 2
    for role in ("ward_officer_hb", "khoi_member_hb_k1"):
        reviews = selectors.meeting_review_list(user=world.users[role], campaign=campaign, khoi=world.hb_k1)
        assert reviews == [verified]  # not the listed ones, not khối 2's
    assert selectors.meeting_review_list(user=world.users["ward_officer_qt"], campaign=campaign, khoi=world.hb_k1) == []


def test_a_decision_chooses_from_the_posted_reviews_by_khoi_then_name(world, campaign, officer, households):
    k2 = to_posted(campaign, review_of(campaign, households["p3"]), officer=officer, survey=POOR_SURVEY)
    k1 = to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    to_verified(review_of(campaign, households["p2"]), officer=officer)  # not posted yet
    assert selectors.decision_review_list(user=world.users["ward_leader_hb"], campaign=campaign) == [k1, k2]
    assert selectors.decision_review_list(user=world.users["ward_officer_qt"], campaign=campaign) == []


def test_an_application_chooses_from_the_khois_households_not_on_the_list(world, campaign, households):
    HouseholdFactory(khoi=world.hb_k1, code="K1-09", status="not_poor")
    HouseholdFactory(khoi=world.hb_k2, code="K2-09")  # another khối

    def codes(role):
        found = selectors.application_household_list(user=world.users[role], campaign=campaign, khoi=world.hb_k1)
        return {h.code for h in found}

    # K1-01 … K1-03 are on the campaign's list already.
    assert codes("ward_officer_hb") == codes("khoi_member_hb_k1") == {"K1-04", "K1-09"}
    assert codes("ward_officer_qt") == set()


# --- Reviews asked for by id (a meeting's votes, a decision's list) ---------------------------


def test_reviews_asked_by_id_are_only_those_in_the_users_scope(world, campaign, households, django_assert_num_queries):
    qt_campaign = services.campaign_open(by=world.users["ward_officer_qt"], ward=world.qt, kind="periodic", year=2025)
    k1, k2 = review_of(campaign, households["p1"]), review_of(campaign, households["p3"])
    qt = review_of(qt_campaign, households["qt"])
    asked = [k1.pk, k2.pk, qt.pk, qt.pk + 1000]  # the last is no review at all

    def found(role):
        return set(selectors.reviews_by_id(user=world.users[role], ids=asked))

    with django_assert_num_queries(1):
        assert selectors.reviews_by_id(user=world.users["ward_officer_hb"], ids=asked) == {k1.pk: k1, k2.pk: k2}
    assert found("khoi_member_hb_k1") == {k1.pk}  # another khối's review is not there
    assert found("ward_officer_qt") == {qt.pk}  # nor another ward's
    assert found("upper_level") == {k1.pk, k2.pk, qt.pk}


# --- Campaigns, reviews and meetings as the pages and the API list them ---------------------------


def test_campaigns_newest_first_are_those_in_the_users_scope(world, campaign):
    regular = services.campaign_open(
        by=world.users["ward_officer_hb"], ward=world.hb, kind="regular", year=2026, month=1
    )
    qt = services.campaign_open(by=world.users["ward_officer_qt"], ward=world.qt, kind="periodic", year=2024)

    def seen(role):
        return selectors.campaigns_newest_first(user=world.users[role])

    assert seen("ward_officer_hb") == seen("khoi_member_hb_k1") == [regular, campaign]
    assert seen("ward_officer_qt") == [qt]  # another ward's campaigns are not there
    assert seen("upper_level") == [regular, campaign, qt]


def test_reviews_with_their_standard_are_those_in_the_users_scope(
    world, campaign, households, django_assert_num_queries
):
    services.campaign_open(by=world.users["ward_officer_qt"], ward=world.qt, kind="periodic", year=2025)

    def codes(role):
        return [r.household.code for r in selectors.review_list_with_standard(user=world.users[role])]

    assert set(codes("khoi_member_hb_k1")) == {"K1-01", "K1-02", "K1-03"}  # another khối's are not there
    assert codes("ward_officer_qt") == ["QT-01"]  # nor another ward's
    assert set(codes("ward_officer_hb")) == {"K1-01", "K1-02", "K1-03", "K2-01"}
    assert codes("upper_level")[-2:] == ["K2-01", "QT-01"]  # by campaign, then khối and name
    with django_assert_num_queries(2):  # the reviews with their standard, its indicators
        reviews = list(selectors.review_list_with_standard(user=world.users["ward_officer_hb"]))
        assert all(list(r.campaign.standard.indicators.all()) for r in reviews)


def test_meetings_with_their_votes_are_those_in_the_users_scope(world, campaign, households, django_assert_num_queries):
    from reviews.models import Meeting, MeetingVote

    qt_campaign = services.campaign_open(by=world.users["ward_officer_qt"], ward=world.qt, kind="periodic", year=2025)
    meetings = {}
    for name, the_campaign, household in (
        ("k1", campaign, households["p1"]),
        ("k2", campaign, households["p3"]),
        ("qt", qt_campaign, households["qt"]),
    ):
        review = review_of(the_campaign, household)
        meeting = Meeting.objects.create(
            campaign=the_campaign, khoi=review.khoi, held_on=date(2025, 10, 20), attendees=10
        )
        MeetingVote.objects.create(meeting=meeting, review=review, agreed=8, passed=True)
        meetings[name] = meeting
    second = MeetingVote.objects.create(
        meeting=meetings["k1"], review=review_of(campaign, households["p2"]), agreed=3, passed=False
    )

    def seen(role):
        return {m.pk for m in selectors.meeting_list_with_votes(user=world.users[role])}

    assert seen("khoi_member_hb_k1") == {meetings["k1"].pk}  # another khối's meeting is not there
    assert seen("ward_officer_qt") == {meetings["qt"].pk}  # nor another ward's
    assert seen("upper_level") == {m.pk for m in meetings.values()}
    with django_assert_num_queries(2):  # the meetings, their votes
        k1 = next(
            m
            for m in selectors.meeting_list_with_votes(user=world.users["ward_officer_hb"])
            if m.khoi_id == world.hb_k1.pk
        )
        assert [v.pk for v in k1.votes.all()][-1] == second.pk


# --- The survey's facts from the registry -----------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees_disability"),
    [
        ("admin", True),
        ("ward_leader_hb", True),
        ("ward_officer_hb", True),
        ("khoi_member_hb_k1", True),
        ("upper_level", False),
        ("unit_member", False),
    ],
)
def test_the_dependants_hint_comes_only_to_a_role_that_may_see_disability(
    world, campaign, households, role, sees_disability, django_assert_num_queries
):
    """The dependants' count takes in the members with a disability: a role that may not see a person's disability
    (households.personal_data.may_see_sensitive) gets no count that could give it away, only the facts of ages."""
    from tests.factories import UnitMemberFactory

    household = households["p1"]
    MemberFactory(household=household, birth_date=date(1990, 1, 1), is_disabled=True)  # 35: of working age
    MemberFactory(household=household, birth_date=date(1950, 1, 1))  # 75: a dependant
    review = selectors.review_page(user=world.users["admin"], pk=review_of(campaign, household).pk)
    user = UnitMemberFactory() if role == "unit_member" else world.users[role]
    with django_assert_num_queries(0):  # the members came with the review's page
        facts = selectors.review_member_facts(user=user, review=review, today=date(2025, 11, 1))
    assert facts["viec_lam"].startswith("1 ")
    if sees_disability:
        assert facts["nguoi_phu_thuoc"].startswith("2/2 ")
    else:
        assert "nguoi_phu_thuoc" not in facts


# --- A complaint and a report to the upper level, found from their review and campaign -----------


def test_a_complaint_is_found_through_its_review_in_the_users_scope(
    world, campaign, households, officer, django_assert_num_queries
):
    from reviews.models import Complaint

    k1 = to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    k2 = to_posted(campaign, review_of(campaign, households["p3"]), officer=officer, survey=POOR_SURVEY)
    on_k1, on_k2 = (
        services.complaint_record(by=officer, review=review, received_on=date(2025, 11, 4), content="Hộ có ô tô")
        for review in (k1, k2)
    )

    def found(role, review, complaint):
        try:
            return selectors.review_complaint_get(user=world.users[role], review=review, pk=complaint.pk)
        except Complaint.DoesNotExist:
            return None

    with django_assert_num_queries(1):  # the complaint, knowing its review
        complaint = found("ward_officer_hb", k1, on_k1)
        assert complaint == on_k1 and complaint.review is k1
    assert found("khoi_member_hb_k1", k1, on_k1) == on_k1
    assert found("upper_level", k2, on_k2) == on_k2
    assert found("khoi_member_hb_k1", k2, on_k2) is None  # another khối's review
    assert found("ward_officer_qt", k1, on_k1) is None  # another ward's
    assert found("ward_officer_hb", k1, on_k2) is None  # another review's complaint, from this review's page


def test_a_report_to_the_upper_level_is_found_through_its_campaign_in_the_users_scope(
    world, campaign, households, officer, django_assert_num_queries
):
    from reviews.models import UpperLevelReport

    qt_officer = world.users["ward_officer_qt"]
    qt_campaign = services.campaign_open(by=qt_officer, ward=world.qt, kind="periodic", year=2025)
    report = services.upper_report_record(by=officer, campaign=campaign, sent_on=date(2025, 11, 10))
    qt_report = services.upper_report_record(by=qt_officer, campaign=qt_campaign, sent_on=date(2025, 11, 10))

    def found(role, the_campaign, the_report):
        try:
            return selectors.campaign_upper_report_get(user=world.users[role], campaign=the_campaign, pk=the_report.pk)
        except UpperLevelReport.DoesNotExist:
            return None

    with django_assert_num_queries(1):  # the report, knowing its campaign
        found_report = found("ward_officer_hb", campaign, report)
        assert found_report == report and found_report.campaign is campaign
    assert found("khoi_member_hb_k1", campaign, report) == report  # a ward-level paper: the khối's ward's
    assert found("upper_level", qt_campaign, qt_report) == qt_report
    assert found("ward_officer_qt", campaign, report) is None  # another ward's
    assert found("khoi_member_hb_k1", qt_campaign, qt_report) is None
    assert found("ward_officer_hb", campaign, qt_report) is None  # another campaign's report
