"""reviews.services: every step, its role, its state, its bad input; nothing changes when one is refused."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from households.models import Household, StatusChange
from households.vocab import Movement
from reviews import services
from reviews.models import (
    Certificate,
    Complaint,
    Decision,
    Meeting,
    Review,
    ReviewEvent,
    ReviewSettings,
    UpperLevelReport,
    WardDayOff,
)
from tests.factories import KhoiMemberFactory

from .conftest import ESCAPED_SURVEY, POOR_SURVEY, review_of, to_posted, to_verified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def text(excinfo, field):
    return " ".join(excinfo.value.message_dict[field])


def snapshot():
    return (
        list(Review.objects.order_by("pk").values_list("state", "version", "proposed_status", "income_per_capita")),
        list(Household.objects.order_by("pk").values_list("status", "version")),
        StatusChange.objects.count(),
        Decision.objects.count(),
        Certificate.objects.count(),
    )


# --- Campaign ---------------------------------------------------------------------


def test_periodic_campaign_lists_the_wards_poor_and_near_poor(campaign, households):
    listed = set(Review.objects.filter(campaign=campaign).values_list("household__code", flat=True))
    assert listed == {"K1-01", "K1-02", "K1-03", "K2-01"}
    assert campaign.standard.code == "nd-07-2021" and campaign.status_year == 2026
    assert (campaign.starts_on, campaign.ends_on) == (date(2025, 9, 1), date(2025, 12, 14))
    assert review_of(campaign, households["n1"]).from_status == "near_poor"


def test_campaign_of_2026_uses_the_next_standard(world, officer, households):
    campaign = services.campaign_open(by=officer, ward=world.hb, kind="periodic", year=2026)
    assert campaign.standard.code == "nd-351-2025"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "periodic", "year": 2040}, "year"),
        ({"kind": "regular", "year": 2026, "month": 13}, "month"),
        ({"kind": "yearly", "year": 2026}, "kind"),
    ],
)
def test_campaign_bad_input(world, officer, kwargs, field):
    with pytest.raises(ValidationError) as excinfo:
        services.campaign_open(by=officer, ward=world.hb, **kwargs)
    assert field in excinfo.value.message_dict


def test_campaign_twice_is_refused(world, officer, campaign):
    with pytest.raises(ValidationError):
        services.campaign_open(by=officer, ward=world.hb, kind="periodic", year=2025)


@pytest.mark.parametrize(
    ("user", "error"),
    [("khoi_member_hb_k1", PermissionDenied), ("ward_officer_qt", PermissionDenied), ("upper_level", PermissionDenied)],
)
def test_campaign_role_and_scope(world, user, error):
    with pytest.raises(error):
        services.campaign_open(by=world.users[user], ward=world.hb, kind="periodic", year=2025)


def test_application_of_a_new_household_registers_it(world, member, campaign):
    review = services.review_add_application(
        by=member,
        campaign=campaign,
        form="form_01",
        applied_on=date(2025, 9, 10),
        new_household={"khoi": world.hb_k1, "code": "K1-99", "head_name": "Lê Thị Mai"},
    )
    assert review.household.status == "not_poor" and review.source == "form_01" and review.khoi == world.hb_k1


def test_form_04_is_for_poor_or_near_poor(campaign, officer, households):
    with pytest.raises(ValidationError) as excinfo:
        services.review_add_application(
            by=officer, campaign=campaign, form="form_04", applied_on=date(2025, 9, 10), household=households["x1"]
        )
    assert "source" in excinfo.value.message_dict


def test_assign_a_khois_part(campaign, officer, member, world):
    assert services.campaign_assign(by=officer, campaign=campaign, khoi=world.hb_k1, member=member) == 3
    with pytest.raises(ValidationError):
        services.campaign_assign(
            by=officer, campaign=campaign, khoi=world.hb_k2, member=KhoiMemberFactory(khoi=world.hb_k1)
        )


# --- Survey -----------------------------------------------------------------------


def test_save_proposes_the_class_and_submit_freezes_the_survey(campaign, member, households):
    review = review_of(campaign, households["p1"])
    review = services.review_save(by=member, review=review, **POOR_SURVEY, causes=["capital", "illness"])
    assert (review.state, review.proposed_status, review.score_b) == ("draft", "poor", 30)
    services.review_submit(by=member, review=review)
    assert Review.objects.get(pk=review.pk).state == "submitted"
    assert list(ReviewEvent.objects.filter(review=review).values_list("action", flat=True)) == ["save", "submit"]


def test_draft_without_figures_is_kept_but_cannot_be_submitted(campaign, member, households):
    review = services.review_save(by=member, review=review_of(campaign, households["p1"]), deprivations=["viec_lam"])
    assert review.state == "draft" and review.proposed_status == ""
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.review_submit(by=member, review=review)
    assert "thu nhập" in text(excinfo, "income_per_capita")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"income_per_capita": 1, "deprivations": ["khong_co"]}, "deprivations", "khong_co"),
        ({"income_per_capita": 1, "deprivations": ["xu_ly_rac"]}, "deprivations", "xu_ly_rac"),
        ({"income_per_capita": -5}, "income_per_capita", "âm"),
        ({"score_a": -1}, "score_a", "âm"),
        ({"income_per_capita": 1, "causes": ["bad_luck"]}, "causes", "bad_luck"),
    ],
)
def test_bad_survey_input_changes_nothing(campaign, member, households, fields, field, words):
    review = review_of(campaign, households["p1"])
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.review_save(by=member, review=review, **fields)
    assert words in text(excinfo, field)
    assert snapshot() == before


def test_submitted_twice_is_refused(campaign, member, households):
    review = services.review_save(by=member, review=review_of(campaign, households["p1"]), **POOR_SURVEY)
    services.review_submit(by=member, review=review)
    with pytest.raises(ValidationError) as excinfo:
        services.review_submit(by=member, review=review)
    assert "Đã gửi" in text(excinfo, "state")


def test_member_of_another_khoi_cannot_touch_the_review(campaign, member, households):
    review = review_of(campaign, households["p3"])
    with pytest.raises(PermissionDenied):
        services.review_save(by=member, review=review, **POOR_SURVEY)


@pytest.mark.parametrize("user", ["khoi_member_hb_k1", "upper_level"])
def test_verify_is_for_ward_staff(world, campaign, officer, households, user):
    review = services.review_save(by=officer, review=review_of(campaign, households["p1"]), **POOR_SURVEY)
    services.review_submit(by=officer, review=review)
    with pytest.raises(PermissionDenied):
        services.review_verify(by=world.users[user], review=review)


def test_return_needs_a_comment_and_reopens_the_survey(campaign, officer, member, households):
    review = services.review_save(by=member, review=review_of(campaign, households["p1"]), **POOR_SURVEY)
    services.review_submit(by=member, review=review)
    with pytest.raises(ValidationError):
        services.review_return(by=officer, review=review, comment=" ")
    services.review_return(by=officer, review=review, comment="Kiểm tra lại thu nhập")
    review = services.review_save(by=member, review=review, income_per_capita=2_100_000)
    assert (review.state, review.proposed_status, review.comment) == ("returned", "average", "Kiểm tra lại thu nhập")


# --- Meeting ----------------------------------------------------------------------


def verified(campaign, officer, household, survey=POOR_SURVEY):
    return to_verified(review_of(campaign, household), officer=officer, survey=survey)


def test_meeting_half_passes_below_half_goes_back(world, campaign, officer, households):
    a, b = verified(campaign, officer, households["p1"]), verified(campaign, officer, households["p2"])
    meeting = services.meeting_record(
        by=officer,
        campaign=campaign,
        khoi=world.hb_k1,
        held_on=date(2025, 10, 20),
        attendees=40,
        votes=[(a, 20), (b, 19)],
        households_represented=3,
    )
    assert (meeting.households_listed, meeting.households_represented) == (3, 3)
    assert Review.objects.get(pk=a.pk).state == "agreed"
    back = Review.objects.get(pk=b.pk)
    assert back.state == "returned" and "19" in back.comment


@pytest.mark.parametrize(
    ("attendees", "agreed", "represented", "field"),
    [(10, 11, 0, "votes"), (10, -1, 0, "votes"), (0, 0, 0, "attendees"), (10, 5, 4, "households_represented")],
)
def test_meeting_bad_counts_change_nothing(world, campaign, officer, households, attendees, agreed, represented, field):
    review = verified(campaign, officer, households["p1"])
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_record(
            by=officer,
            campaign=campaign,
            khoi=world.hb_k1,
            held_on=date(2025, 10, 20),
            attendees=attendees,
            votes=[(review, agreed)],
            households_represented=represented,
        )
    assert field in excinfo.value.message_dict
    assert snapshot() == before


ATTENDANCE = {"ward": 2, "khoi": 3, "front": 1, "organisations": 4, "reviewers": 2, "households": 5, "others": 3}


def test_meeting_by_group_counts_the_votes_against_their_sum(world, campaign, officer, households):
    a, b = verified(campaign, officer, households["p1"]), verified(campaign, officer, households["p2"])
    meeting = services.meeting_record(
        by=officer,
        campaign=campaign,
        khoi=world.hb_k1,
        held_on=date(2025, 10, 20),
        attendance=ATTENDANCE,
        votes=[(a, 10), (b, 9)],
    )
    meeting.refresh_from_db()
    assert meeting.attendees == 20 and meeting.attendance() == ATTENDANCE
    assert (meeting.attendees_front, meeting.attendees_households) == (1, 5)
    assert Review.objects.get(pk=a.pk).state == "agreed"  # 10 of 20: exactly half passes
    assert Review.objects.get(pk=b.pk).state == "returned"


def test_meeting_by_group_a_missing_group_is_zero_and_a_matching_total_is_accepted(
    world, campaign, officer, households
):
    review = verified(campaign, officer, households["p1"])
    meeting = services.meeting_record(
        by=officer,
        campaign=campaign,
        khoi=world.hb_k1,
        held_on=date(2025, 10, 20),
        attendees=7,
        attendance={"ward": 2, "households": 5},
        votes=[(review, 4)],
    )
    assert meeting.attendance() == {**dict.fromkeys(ATTENDANCE, 0), "ward": 2, "households": 5}


def test_meeting_with_its_total_only_keeps_it(world, campaign, officer, households):
    review = verified(campaign, officer, households["p1"])
    meeting = services.meeting_record(
        by=officer, campaign=campaign, khoi=world.hb_k1, held_on=date(2025, 10, 20), attendees=12, votes=[(review, 6)]
    )
    meeting.refresh_from_db()
    assert meeting.attendees == 12 and meeting.attendance() is None


@pytest.mark.parametrize(
    ("attendees", "attendance", "field", "message"),
    [
        (21, ATTENDANCE, "attendees", "21"),  # the total entered does not match the groups (20)
        (None, {**ATTENDANCE, "front": -1}, "attendance", "Mặt trận"),
        (None, dict.fromkeys(ATTENDANCE, 0), "attendance", "ít nhất 1"),
        (None, {"ward": 1, "visitors": 3}, "attendance", "visitors"),
    ],
)
def test_meeting_bad_attendance_changes_nothing(
    world, campaign, officer, households, attendees, attendance, field, message
):
    review = verified(campaign, officer, households["p1"])
    before = snapshot(), Meeting.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_record(
            by=officer,
            campaign=campaign,
            khoi=world.hb_k1,
            held_on=date(2025, 10, 20),
            attendees=attendees,
            attendance=attendance,
            votes=[(review, 1)],
        )
    assert message in text(excinfo, field)
    assert (snapshot(), Meeting.objects.count()) == before


def test_meeting_needs_verified_reviews(world, campaign, officer, households):
    review = services.review_save(by=officer, review=review_of(campaign, households["p1"]), **POOR_SURVEY)
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_record(
            by=officer,
            campaign=campaign,
            khoi=world.hb_k1,
            held_on=date(2025, 10, 20),
            attendees=5,
            votes=[(review, 5)],
        )
    assert "Đã xác minh" in text(excinfo, "votes")


# --- Posting ------------------------------------------------------------------------


def agreed(world, campaign, officer, household):
    review = verified(campaign, officer, household)
    services.meeting_record(
        by=officer, campaign=campaign, khoi=review.khoi, held_on=date(2025, 10, 20), attendees=4, votes=[(review, 2)]
    )
    return review


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [
        (date(2025, 11, 3), date(2025, 11, 5)),  # Monday → Wednesday
        (date(2025, 11, 7), date(2025, 11, 11)),  # Friday → Tuesday, over the weekend
        (date(2025, 11, 8), date(2025, 11, 12)),  # a Saturday start counts from Monday
        (date(2026, 2, 13), date(2026, 2, 24)),  # Friday before Tết 2026 (16–20/2 are holidays)
        (date(2025, 8, 29), date(2025, 9, 4)),  # National Day 1–2/9/2025
    ],
)
def test_posting_end_skips_weekends_and_holidays(world, campaign, officer, households, starts_on, ends_on):
    agreed(world, campaign, officer, households["p1"])
    posting = services.posting_open(by=officer, campaign=campaign, khoi=world.hb_k1, starts_on=starts_on)
    assert posting.ends_on == ends_on
    assert review_of(campaign, households["p1"]).state == "posted"


def test_posting_uses_the_wards_days_and_settings(world, campaign, officer, households):
    ReviewSettings.objects.create(ward=world.hb, posting_working_days=5)
    WardDayOff.objects.create(ward=world.hb, day=date(2025, 11, 4), reason="Lễ hội phường")
    agreed(world, campaign, officer, households["p1"])
    posting = services.posting_open(by=officer, campaign=campaign, khoi=world.hb_k1, starts_on=date(2025, 11, 3))
    assert posting.ends_on == date(2025, 11, 10)


def test_posting_without_agreed_results_is_refused(world, campaign, officer):
    with pytest.raises(ValidationError) as excinfo:
        services.posting_open(by=officer, campaign=campaign, khoi=world.hb_k1, starts_on=date(2025, 11, 3))
    assert "khoi" in excinfo.value.message_dict


# --- Complaints -----------------------------------------------------------------------


def test_complaint_outside_the_posting_is_refused(campaign, officer, households):
    review = to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    with pytest.raises(ValidationError) as excinfo:
        services.complaint_record(by=officer, review=review, received_on=date(2025, 11, 6), content="Sai")
    assert "05/11/2025" in text(excinfo, "received_on")


@pytest.mark.parametrize(("upheld", "state"), [(True, "returned"), (False, "agreed")])
def test_complaint_resolution_posts_again(campaign, officer, households, upheld, state):
    review = to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    complaint = services.complaint_record(by=officer, review=review, received_on=date(2025, 11, 4), content="Hộ có xe")
    services.complaint_resolve(
        by=officer, complaint=complaint, upheld=upheld, result="Đã kiểm tra", resolved_on=date(2025, 11, 6)
    )
    review.refresh_from_db()
    assert (review.state, review.posting) == (state, None)
    with pytest.raises(ValidationError):
        services.complaint_resolve(
            by=officer, complaint=complaint, upheld=upheld, result="x", resolved_on=date(2025, 11, 6)
        )


def test_complaint_resolved_before_it_was_received_is_refused(campaign, officer, households):
    review = to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    complaint = services.complaint_record(by=officer, review=review, received_on=date(2025, 11, 4), content="Hộ có xe")
    with pytest.raises(ValidationError) as excinfo:
        services.complaint_resolve(
            by=officer, complaint=complaint, upheld=True, result="Đã kiểm tra", resolved_on=date(2025, 11, 3)
        )
    assert "04/11/2025" in text(excinfo, "resolved_on")
    complaint.refresh_from_db()
    review.refresh_from_db()
    assert (complaint.resolved_on, complaint.result, complaint.upheld) == (None, "", None)
    assert review.state == "posted" and review.posting_id is not None
    assert not review.events.filter(action="complaint_resolved").exists()


def tomorrow():
    return timezone.localdate() + timedelta(days=1)


def test_a_complaint_resolved_after_today_is_refused(campaign, officer, households):
    review = to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    complaint = services.complaint_record(by=officer, review=review, received_on=date(2025, 11, 4), content="Hộ có xe")
    with pytest.raises(ValidationError) as excinfo:
        services.complaint_resolve(
            by=officer, complaint=complaint, upheld=False, result="Đã kiểm tra", resolved_on=tomorrow()
        )
    assert text(excinfo, "resolved_on").startswith("Ngày giải quyết khiếu nại không được ở tương lai")
    complaint.refresh_from_db()
    review.refresh_from_db()
    assert (complaint.resolved_on, complaint.result, complaint.upheld) == (None, "", None)
    assert review.state == "posted" and review.posting_id is not None
    assert not review.events.filter(action="complaint_resolved").exists()


def test_a_complaint_received_after_today_is_refused_while_the_posting_runs(campaign, officer, households):
    today = timezone.localdate()
    review = to_posted(
        campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY, starts_on=today
    )
    assert review.posting.ends_on > today  # tomorrow is within the posting
    with pytest.raises(ValidationError) as excinfo:
        services.complaint_record(by=officer, review=review, received_on=tomorrow(), content="Hộ có xe")
    assert text(excinfo, "received_on").startswith("Ngày nhận khiếu nại không được ở tương lai")
    assert not Complaint.objects.exists()
    assert not review.events.filter(action="complaint").exists()
    assert services.complaint_record(by=officer, review=review, received_on=today, content="Hộ có xe").pk


# --- Decision -------------------------------------------------------------------------


@pytest.fixture
def reported(campaign, officer):
    return services.upper_report_record(by=officer, campaign=campaign, sent_on=date(2025, 11, 10), number="150/BC-UBND")


def test_upper_report_takes_the_wards_addressee(reported):
    assert reported.addressee == "Chủ tịch Ủy ban nhân dân tỉnh"


def test_upper_answer_before_the_report_was_sent_is_refused(reported, officer):
    with pytest.raises(ValidationError) as excinfo:
        services.upper_report_answer(by=officer, report=reported, answered_on=date(2025, 11, 9), answer="Đồng ý")
    assert "answered_on" in excinfo.value.message_dict
    reported.refresh_from_db()
    assert (reported.answered_on, reported.answer) == (None, "")


def test_an_upper_answer_after_today_is_refused(reported, officer):
    with pytest.raises(ValidationError) as excinfo:
        services.upper_report_answer(by=officer, report=reported, answered_on=tomorrow(), answer="Đồng ý")
    assert text(excinfo, "answered_on").startswith("Ngày cấp trên trả lời không được ở tương lai")
    reported.refresh_from_db()
    assert (reported.answered_on, reported.answer) == (None, "")


def _step(field, *, world, campaign, officer, leader, households):
    """The review brought to the step that records `field`: the step's service, to call with a date."""
    if field == "applied_on":
        return lambda day: services.review_add_application(
            by=officer, campaign=campaign, form="form_01", applied_on=day, household=households["x1"]
        )
    if field == "held_on":
        review = to_verified(review_of(campaign, households["p1"]), officer=officer)
        return lambda day: services.meeting_record(
            by=officer, campaign=campaign, khoi=world.hb_k1, held_on=day, attendees=10, votes=[(review, 8)]
        )
    if field == "sent_on":
        return lambda day: services.upper_report_record(by=officer, campaign=campaign, sent_on=day)
    if field == "signed_on":
        review = to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
        services.upper_report_record(by=officer, campaign=campaign, sent_on=date(2025, 11, 10))
        return lambda day: services.decision_issue(
            by=leader, campaign=campaign, number="9/QĐ", signed_on=day, reviews=[review]
        )
    regular = services.campaign_open(by=officer, ward=world.hb, kind="regular", year=2026, month=3)
    review = services.review_add_application(
        by=officer, campaign=regular, form="form_01", applied_on=date(2026, 3, 16), household=households["x1"]
    )
    return lambda day: services.review_refuse(by=leader, review=review, reason="Thu nhập cao", refused_on=day)


def saved_steps():
    return (
        snapshot(),
        Meeting.objects.count(),
        UpperLevelReport.objects.count(),
        ReviewEvent.objects.count(),
        list(Review.objects.order_by("pk").values_list("source", "applied_on", "closed_on")),
    )


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("applied_on", "Ngày đề nghị không được ở tương lai."),
        ("held_on", "Ngày họp không được ở tương lai."),
        ("sent_on", "Ngày không được ở tương lai."),
        ("signed_on", "Ngày quyết định không được ở tương lai."),
        ("refused_on", "Ngày không được ở tương lai."),
    ],
)
def test_no_step_is_dated_after_today(world, campaign, officer, leader, households, field, message):
    """Each service checks its date with its rule (reviews.rules): tomorrow is refused and nothing is saved; today
    is taken."""
    step = _step(field, world=world, campaign=campaign, officer=officer, leader=leader, households=households)
    before = saved_steps()
    with pytest.raises(ValidationError) as excinfo:
        step(tomorrow())
    assert text(excinfo, field) == message
    assert saved_steps() == before
    assert step(timezone.localdate())


def test_decision_applies_classes_with_movements_and_certificates(campaign, officer, leader, households, reported):
    stays = to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    escapes = to_posted(campaign, review_of(campaign, households["p2"]), officer=officer, survey=ESCAPED_SURVEY)
    falls = to_posted(campaign, review_of(campaign, households["n1"]), officer=officer, survey=POOR_SURVEY)
    decision = services.decision_issue(
        by=leader,
        campaign=campaign,
        number="215/QĐ-UBND",
        signed_on=date(2025, 11, 20),
        reviews=[stays, escapes, falls],
    )
    h = {k: Household.objects.get(pk=v.pk) for k, v in households.items()}
    assert (h["p1"].status, h["p2"].status, h["n1"].status) == ("poor", "average", "poor")
    assert h["p2"].escaped_poverty_on == date(2025, 11, 20) and h["p2"].status_since == date(2025, 11, 20)
    changes = {c.household_id: c for c in StatusChange.objects.filter(decision_number="215/QĐ-UBND")}
    assert set(changes) == {h["p2"].pk, h["n1"].pk}
    assert changes[h["p2"].pk].movement == Movement.ESCAPED_POVERTY
    assert changes[h["n1"].pk].movement == Movement.NEAR_POOR_TO_POOR
    assert changes[h["p2"].pk].recorded_by == leader and changes[h["p2"].pk].reason == "decision"
    assert h["p2"].history.first().history_user == leader
    certificates = list(Certificate.objects.order_by("serial").values_list("household__code", "serial", "year"))
    assert certificates == [("K1-01", 1, 2026), ("K1-03", 2, 2026)]
    assert Certificate.objects.first().number == "1/GCN-HN.HCN"
    assert set(Review.objects.filter(decision=decision).values_list("state", flat=True)) == {"recognised"}


def test_decided_review_is_frozen(campaign, officer, leader, households, reported):
    review = to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    services.decision_issue(by=leader, campaign=campaign, number="1/QĐ", signed_on=date(2025, 11, 20), reviews=[review])
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.review_save(by=officer, review=review, income_per_capita=9_000_000)
    assert "khóa" in text(excinfo, "state") or "không thể thay đổi" in text(excinfo, "state")
    with pytest.raises(ValidationError):
        services.decision_issue(
            by=leader, campaign=campaign, number="2/QĐ", signed_on=date(2025, 11, 21), reviews=[review]
        )
    assert snapshot() == before


def test_decision_refuses_reviews_without_meeting_or_posting(campaign, officer, leader, households, reported):
    posted = to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    unverified = services.review_save(by=officer, review=review_of(campaign, households["p2"]), **POOR_SURVEY)
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        services.decision_issue(
            by=leader, campaign=campaign, number="3/QĐ", signed_on=date(2025, 11, 20), reviews=[posted, unverified]
        )
    assert "K1-02" in text(excinfo, "reviews") and "họp" in text(excinfo, "reviews")
    assert snapshot() == before


def test_decision_waits_for_the_end_of_the_posting_and_complaints(campaign, officer, leader, households, reported):
    review = to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    with pytest.raises(ValidationError) as excinfo:
        services.decision_issue(
            by=leader, campaign=campaign, number="4/QĐ", signed_on=date(2025, 11, 5), reviews=[review]
        )
    assert "05/11/2025" in text(excinfo, "reviews")
    services.complaint_record(by=officer, review=review, received_on=date(2025, 11, 4), content="Khiếu nại")
    with pytest.raises(ValidationError):
        services.decision_issue(
            by=leader, campaign=campaign, number="4/QĐ", signed_on=date(2025, 11, 20), reviews=[review]
        )
    assert not Decision.objects.exists() and Complaint.objects.count() == 1


def test_periodic_decision_needs_the_upper_level_report(campaign, officer, leader, households):
    review = to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    with pytest.raises(ValidationError) as excinfo:
        services.decision_issue(
            by=leader, campaign=campaign, number="5/QĐ", signed_on=date(2025, 11, 20), reviews=[review]
        )
    assert "cấp trên" in text(excinfo, "reviews")


@pytest.mark.parametrize("user", ["ward_officer_hb", "khoi_member_hb_k1", "upper_level"])
def test_only_the_leader_decides(world, campaign, officer, households, reported, user):
    review = to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    with pytest.raises(PermissionDenied):
        services.decision_issue(
            by=world.users[user], campaign=campaign, number="6/QĐ", signed_on=date(2025, 11, 20), reviews=[review]
        )


def test_decision_number_is_unique_in_the_ward(campaign, officer, leader, households, reported):
    a = to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    b = to_posted(campaign, review_of(campaign, households["p2"]), officer=officer, survey=POOR_SURVEY)
    services.decision_issue(by=leader, campaign=campaign, number="7/QĐ", signed_on=date(2025, 11, 20), reviews=[a])
    with pytest.raises(ValidationError) as excinfo:
        services.decision_issue(by=leader, campaign=campaign, number="7/QĐ", signed_on=date(2025, 11, 20), reviews=[b])
    assert "number" in excinfo.value.message_dict


def test_new_poor_and_fallen_back(world, officer, leader, households):
    """A regular review: no upper-level report needed; a household that escaped before falls back."""
    campaign = services.campaign_open(by=officer, ward=world.hb, kind="regular", year=2026, month=3)
    escaped = households["x1"]
    escaped.escaped_poverty_on = date(2024, 6, 1)
    escaped.save()
    review = services.review_add_application(
        by=officer, campaign=campaign, form="form_01", applied_on=date(2026, 3, 16), household=escaped
    )
    review = to_posted(campaign, review, officer=officer, survey=POOR_SURVEY, starts_on=date(2026, 3, 23))
    services.decision_issue(by=leader, campaign=campaign, number="8/QĐ", signed_on=date(2026, 3, 30), reviews=[review])
    change = StatusChange.objects.get(decision_number="8/QĐ")
    assert (change.from_status, change.to_status, change.movement) == ("not_poor", "poor", Movement.FALLEN_BACK_POOR)


def test_regular_review_is_refused_in_writing(world, officer, leader, households):
    campaign = services.campaign_open(by=officer, ward=world.hb, kind="regular", year=2026, month=3)
    review = services.review_add_application(
        by=officer, campaign=campaign, form="form_01", applied_on=date(2026, 3, 16), household=households["x1"]
    )
    with pytest.raises(ValidationError):
        services.review_refuse(by=leader, review=review, reason="", refused_on=date(2026, 3, 25))
    review = services.review_refuse(by=leader, review=review, reason="Thu nhập cao", refused_on=date(2026, 3, 25))
    assert (review.state, review.closed_on) == ("refused", date(2026, 3, 25))
    with pytest.raises(ValidationError):
        services.review_save(by=officer, review=review, income_per_capita=1)


def test_latest_recognised_review_holds_the_households_deprivations(
    world, campaign, officer, leader, households, reported
):
    from reviews.selectors import latest_recognised_reviews

    review = to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    services.decision_issue(by=leader, campaign=campaign, number="9/QĐ", signed_on=date(2025, 11, 20), reviews=[review])
    later = services.campaign_open(by=officer, ward=world.hb, kind="regular", year=2026, month=2)
    again = services.review_add_application(
        by=officer, campaign=later, form="form_01", applied_on=date(2026, 2, 16), household=households["p1"]
    )
    survey = {"income_per_capita": 1_000_000, "deprivations": ["nha_tieu", "nguon_nuoc", "vien_thong"]}
    again = to_posted(later, again, officer=officer, survey=survey, starts_on=date(2026, 2, 23))
    services.decision_issue(by=leader, campaign=later, number="10/QĐ", signed_on=date(2026, 3, 5), reviews=[again])
    latest = list(latest_recognised_reviews(Household.objects.filter(ward=world.hb)))
    assert [(r.household_id, r.deprivations) for r in latest] == [
        (households["p1"].pk, ["nguon_nuoc", "nha_tieu", "vien_thong"])
    ]


def test_meeting_errors_count_one_in_the_singular(world, campaign, officer, households):
    # "only 1 people attended", "Only 1 households of the khối are listed" read in the English form.
    review = verified(campaign, officer, households["p3"])  # khối 2 lists one household
    for attendees, agreed, represented, field, expected in [
        (1, 2, 0, "votes", "K2-01: 2 agreed, but only 1 person attended."),
        (10, 5, 2, "households_represented", "Only 1 household of the khối is listed."),
    ]:
        with translation.override("en"), pytest.raises(ValidationError) as excinfo:
            services.meeting_record(
                by=officer,
                campaign=campaign,
                khoi=world.hb_k2,
                held_on=date(2025, 10, 20),
                attendees=attendees,
                votes=[(review, agreed)],
                households_represented=represented,
            )
        assert excinfo.value.message_dict[field] == [expected]
