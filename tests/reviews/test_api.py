"""The reviews API: scope (404), roles (403), steps with their reasons (400), constant query counts."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households.models import Household, StatusChange
from reviews import services
from reviews.models import Decision, Meeting, MeetingVote, Posting, Review, ReviewSettings
from tests.factories import HouseholdFactory, WardLeaderFactory

from .conftest import POOR_SURVEY, review_of, to_posted, to_verified

pytestmark = pytest.mark.django_db

ROLES = ["admin", "ward_leader_hb", "ward_officer_hb", "khoi_member_hb_k1", "upper_level", "ward_officer_qt"]
NOT_FOUND = {"detail": "Không tìm thấy."}


def as_user(api_client, world, role):
    api_client.force_authenticate(world.users[role])
    return api_client


@pytest.fixture
def qt_campaign(world, households):
    return services.campaign_open(by=world.users["ward_officer_qt"], ward=world.qt, kind="periodic", year=2025)


def test_standards_list_their_indicators(api_client, world):
    data = as_user(api_client, world, "khoi_member_hb_k1").get("/api/v1/standards/").json()
    first = data["results"][0]
    assert first["name"] == "Nghị định 07/2021/NĐ-CP" and len(first["indicators"]) == 12
    assert set(first["indicators"][0]) >= {"code", "name", "dimension"}


def test_standards_name_their_legal_document(api_client, world):
    """The document the recognition decision's grounds cite (migration reviews/0005_standard_document)."""
    data = as_user(api_client, world, "khoi_member_hb_k1").get("/api/v1/standards/").json()
    documents = {
        standard["code"]: {key: value for key, value in standard.items() if key.startswith("document_")}
        for standard in data["results"]
    }
    assert documents["nd-07-2021"] == {
        "document_type": "Nghị định",
        "document_number": "07/2021/NĐ-CP",
        "document_date": "2021-01-27",
        "document_issuer": "Chính phủ",
        "document_subject": "quy định chuẩn nghèo đa chiều giai đoạn 2021 - 2025",
    }
    assert documents["nd-351-2025"]["document_number"] == "351/2025/NĐ-CP"
    assert documents["nd-351-2025"]["document_date"] is None


def test_standards_name_the_standard_that_extended_them(api_client, world):
    """07/2021's standard holds for 2026 by 351/2025's extension (migration reviews/0006); 351/2025 extends none."""
    data = as_user(api_client, world, "khoi_member_hb_k1").get("/api/v1/standards/").json()
    standards = {standard["code"]: standard for standard in data["results"]}
    extended, extending = standards["nd-07-2021"], standards["nd-351-2025"]
    assert (extended["extended_by"], extended["extended_from_year"]) == (extending["id"], 2026)
    assert (extending["extended_by"], extending["extended_from_year"]) == (None, None)
    response = as_user(api_client, world, "ward_officer_hb").patch(
        f"/api/v1/standards/{extended['id']}/", {"extended_by": None, "extended_from_year": None}, format="json"
    )
    assert response.status_code in (403, 405)


# --- Scope ----------------------------------------------------------------------------------

VISIBLE_REVIEWS = {
    "admin": {"K1-01", "K1-02", "K1-03", "K2-01", "QT-01"},
    "ward_leader_hb": {"K1-01", "K1-02", "K1-03", "K2-01"},
    "ward_officer_hb": {"K1-01", "K1-02", "K1-03", "K2-01"},
    "khoi_member_hb_k1": {"K1-01", "K1-02", "K1-03"},
    "upper_level": {"K1-01", "K1-02", "K1-03", "K2-01", "QT-01"},
    "ward_officer_qt": {"QT-01"},
}


@pytest.mark.parametrize("role", ROLES)
def test_reviews_list_holds_exactly_the_scope(api_client, world, campaign, qt_campaign, role):
    data = as_user(api_client, world, role).get("/api/v1/reviews/").json()
    assert {r["household_code"] for r in data["results"]} == VISIBLE_REVIEWS[role]
    campaigns = as_user(api_client, world, role).get("/api/v1/campaigns/").json()["results"]
    expected = {"admin": 2, "upper_level": 2, "ward_officer_qt": 1}.get(role, 1)
    assert len(campaigns) == expected


@pytest.mark.parametrize("role", ROLES)
def test_review_outside_the_scope_is_a_404(api_client, world, campaign, households, role):
    review = review_of(campaign, households["p3"])  # Hưng Bình, khối 2
    client = as_user(api_client, world, role)
    response = client.get(f"/api/v1/reviews/{review.pk}/")
    if "K2-01" in VISIBLE_REVIEWS[role]:
        assert response.status_code == 200
    else:
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
        assert client.post(f"/api/v1/reviews/{review.pk}/submit/").status_code == 404
        assert client.patch(f"/api/v1/reviews/{review.pk}/", {"income_per_capita": 1}, format="json").status_code == 404


def test_filters(api_client, world, campaign, households):
    client = as_user(api_client, world, "ward_officer_hb")
    codes = lambda **q: {r["household_code"] for r in client.get("/api/v1/reviews/", q).json()["results"]}  # noqa: E731
    assert codes(khoi=world.hb_k2.pk) == {"K2-01"}
    assert codes(household=households["p1"].pk) == {"K1-01"}
    assert codes(campaign=campaign.pk) == {"K1-01", "K1-02", "K1-03", "K2-01"}
    assert codes(campaign=campaign.pk + 99) == set()


# --- The survey and its steps ---------------------------------------------------------


def test_survey_patch_proposes_and_explains(api_client, world, campaign, households):
    review = review_of(campaign, households["p1"])
    client = as_user(api_client, world, "khoi_member_hb_k1")
    response = client.patch(f"/api/v1/reviews/{review.pk}/", {**POOR_SURVEY, "causes": ["capital"]}, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["state"], data["proposed_status"], data["score_b"]) == ("draft", "poor", 30)
    assert any("B2" in line for line in data["explanation"])
    assert client.post(f"/api/v1/reviews/{review.pk}/submit/").json()["state"] == "submitted"
    again = client.post(f"/api/v1/reviews/{review.pk}/submit/")
    assert again.status_code == 400 and "Đã gửi" in again.json()["state"][0]


def test_a_stale_survey_save_is_a_409_that_changes_nothing(api_client, world, campaign, households):
    review = review_of(campaign, households["p1"])
    client = as_user(api_client, world, "khoi_member_hb_k1")
    read = client.get(f"/api/v1/reviews/{review.pk}/").json()
    first = client.patch(f"/api/v1/reviews/{review.pk}/", {**POOR_SURVEY, "version": read["version"]}, format="json")
    assert first.status_code == 200, first.json()
    stale = client.patch(
        f"/api/v1/reviews/{review.pk}/", {"income_per_capita": 9_000_000, "version": read["version"]}, format="json"
    )
    assert stale.status_code == 409
    assert stale.json()["version"] == first.json()["version"] and "reload" not in stale.json()["detail"]
    assert Review.objects.get(pk=review.pk).income_per_capita == POOR_SURVEY["income_per_capita"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"income_per_capita": 1, "deprivations": ["khong_co"]}, "deprivations"),
        ({"income_per_capita": -1}, "income_per_capita"),
        ({"causes": ["xyz"]}, "causes"),
    ],
)
def test_survey_bad_input_is_a_400_that_changes_nothing(api_client, world, campaign, households, body, field):
    review = review_of(campaign, households["p1"])
    response = as_user(api_client, world, "khoi_member_hb_k1").patch(
        f"/api/v1/reviews/{review.pk}/", body, format="json"
    )
    assert response.status_code == 400 and field in response.json()
    assert Review.objects.get(pk=review.pk).state == "listed"


def test_submit_without_figures_names_what_is_missing(api_client, world, campaign, households):
    review = review_of(campaign, households["p1"])
    response = as_user(api_client, world, "ward_officer_hb").post(f"/api/v1/reviews/{review.pk}/submit/")
    assert response.status_code == 400 and "thu nhập" in response.json()["income_per_capita"][0]


def test_classify_answers_without_saving(api_client, world, campaign, households):
    review = review_of(campaign, households["p1"])
    response = as_user(api_client, world, "khoi_member_hb_k1").post(
        f"/api/v1/reviews/{review.pk}/classify/", {"score_a": "176", "income_per_capita": 2_500_000}, format="json"
    )
    assert response.json()["proposed_status"] == "average"
    assert Review.objects.get(pk=review.pk).state == "listed"


@pytest.mark.parametrize(("role", "code"), [("khoi_member_hb_k1", 403), ("upper_level", 403), ("ward_officer_hb", 200)])
def test_verify_and_return_roles(api_client, world, campaign, households, role, code):
    review = services.review_save(
        by=world.users["ward_officer_hb"], review=review_of(campaign, households["p1"]), **POOR_SURVEY
    )
    services.review_submit(by=world.users["ward_officer_hb"], review=review)
    client = as_user(api_client, world, role)
    if code == 200:
        response = client.post(f"/api/v1/reviews/{review.pk}/return/", {"comment": ""})
        assert response.status_code == 400 and list(response.json()) == ["comment"]
        assert Review.objects.get(pk=review.pk).state == "submitted"
    assert client.post(f"/api/v1/reviews/{review.pk}/return/", {"comment": "Xem lại"}).status_code == code
    returned = Review.objects.get(pk=review.pk)
    assert (returned.state, returned.comment) == (("returned", "Xem lại") if code == 200 else ("submitted", ""))


def test_application_for_a_household_of_another_khoi_is_a_404(api_client, world, campaign):
    other = HouseholdFactory(khoi=world.hb_k2, code="K2-77", status="not_poor")
    response = as_user(api_client, world, "khoi_member_hb_k1").post(
        "/api/v1/reviews/",
        {"campaign": campaign.pk, "household": other.pk, "source": "form_01", "applied_on": "2025-09-10"},
        format="json",
    )
    assert response.status_code == 404
    assert not Review.objects.filter(household=other).exists()


# --- Meeting, posting, decision ----------------------------------------------------------


def test_meeting_posting_decision_through_the_api(api_client, world, campaign, households):
    officer, leader = world.users["ward_officer_hb"], world.users["ward_leader_hb"]
    review = to_verified(
        review_of(campaign, households["p2"]), officer=officer, survey={"income_per_capita": 2_600_000}
    )
    client = as_user(api_client, world, "ward_officer_hb")
    body = {
        "campaign": campaign.pk,
        "khoi": world.hb_k1.pk,
        "held_on": "2025-10-20",
        "attendees": 30,
        "votes": [{"review": review.pk, "agreed": 31}],
    }
    too_many = client.post("/api/v1/meetings/", body, format="json")
    assert too_many.status_code == 400 and "31" in str(too_many.json()["votes"])
    body["votes"][0]["agreed"] = 15
    meeting = client.post("/api/v1/meetings/", body, format="json")
    assert meeting.status_code == 201, meeting.json()
    assert meeting.json()["votes"] == [{"review": review.pk, "agreed": 15, "passed": True}]
    posting = client.post(
        "/api/v1/postings/", {"campaign": campaign.pk, "khoi": world.hb_k1.pk, "starts_on": "2025-11-07"}, format="json"
    )
    assert posting.status_code == 201 and posting.json()["ends_on"] == "2025-11-11"
    services.upper_report_record(by=officer, campaign=campaign, sent_on=date(2025, 11, 12))
    decision_body = {
        "campaign": campaign.pk,
        "number": "300/QĐ-UBND",
        "signed_on": "2025-11-20",
        "reviews": [review.pk],
    }
    assert client.post("/api/v1/decisions/", decision_body, format="json").status_code == 403
    response = as_user(api_client, world, "ward_leader_hb").post("/api/v1/decisions/", decision_body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["reviews"] == [review.pk]
    household = Household.objects.get(pk=households["p2"].pk)
    assert (household.status, household.status_since) == ("average", date(2025, 11, 20))
    assert leader.pk == Decision.objects.get().signed_by_id


def test_a_step_dated_after_today_is_a_400_and_saves_nothing(api_client, world, campaign, households):
    """The date rules (reviews.rules) answer through the API as through the pages: the field, the Vietnamese reason."""
    from datetime import timedelta

    from django.utils import timezone

    officer = world.users["ward_officer_hb"]
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    verified = to_verified(review_of(campaign, households["p1"]), officer=officer)
    meeting = {"campaign": campaign.pk, "khoi": world.hb_k1.pk, "held_on": tomorrow, "attendees": 10}
    response = as_user(api_client, world, "ward_officer_hb").post(
        "/api/v1/meetings/", {**meeting, "votes": [{"review": verified.pk, "agreed": 8}]}, format="json"
    )
    assert (response.status_code, response.json()) == (400, {"held_on": ["Ngày họp không được ở tương lai."]})
    assert not Meeting.objects.exists() and Review.objects.get(pk=verified.pk).state == "verified"
    posted = to_posted(campaign, review_of(campaign, households["p2"]), officer=officer, survey=POOR_SURVEY)
    services.upper_report_record(by=officer, campaign=campaign, sent_on=date(2025, 11, 12))
    decision = {"campaign": campaign.pk, "number": "301/QĐ-UBND", "signed_on": tomorrow, "reviews": [posted.pk]}
    response = as_user(api_client, world, "ward_leader_hb").post("/api/v1/decisions/", decision, format="json")
    assert (response.status_code, response.json()) == (400, {"signed_on": ["Ngày quyết định không được ở tương lai."]})
    assert not Decision.objects.exists() and Review.objects.get(pk=posted.pk).state == "posted"


def test_meeting_by_group_through_the_api(api_client, world, campaign, households):
    officer = world.users["ward_officer_hb"]
    review = to_verified(review_of(campaign, households["p1"]), officer=officer)
    client = as_user(api_client, world, "khoi_member_hb_k1")
    attendance = {"ward": 2, "khoi": 3, "front": 1, "organisations": 4, "reviewers": 2, "households": 5, "others": 3}
    body = {
        "campaign": campaign.pk,
        "khoi": world.hb_k1.pk,
        "held_on": "2025-10-20",
        "attendees": 21,
        "attendance": attendance,
        "votes": [{"review": review.pk, "agreed": 10}],
    }
    mismatch = client.post("/api/v1/meetings/", body, format="json")
    assert mismatch.status_code == 400
    assert "cộng các thành phần được 20 người" in str(mismatch.json()["attendees"])
    negative = client.post(
        "/api/v1/meetings/", {**body, "attendees": None, "attendance": {**attendance, "front": -2}}, format="json"
    )
    assert negative.status_code == 400 and "không được âm: Mặt trận Tổ quốc" in str(negative.json()["attendance"])
    nobody = client.post("/api/v1/meetings/", {**body, "attendees": None, "attendance": {}}, format="json")
    assert nobody.status_code == 400 and "ít nhất 1" in str(nobody.json()["attendance"])
    assert not Meeting.objects.exists() and Review.objects.get(pk=review.pk).state == "verified"
    del body["attendees"]
    response = client.post("/api/v1/meetings/", body, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["attendees"], response.json()["attendance"]) == (20, attendance)
    assert response.json()["votes"] == [{"review": review.pk, "agreed": 10, "passed": True}]
    listed = client.get("/api/v1/meetings/", {"campaign": campaign.pk}).json()["results"]
    assert listed[0]["attendance"] == attendance


@pytest.mark.parametrize(
    ("extra", "named"),
    [({"visitors": 3}, "“visitors”"), ({"Ward": 2}, "“Ward”"), ({"attendees": 20}, "“attendees”"), ({"": 1}, "“”")],
)
def test_an_attendance_key_naming_no_group_is_a_400_naming_it(api_client, world, campaign, households, extra, named):
    """DRF dropped such keys: a mistyped group counted 0 people and the votes were judged against a smaller total."""
    officer = world.users["ward_officer_hb"]
    review = services.review_save(by=officer, review=review_of(campaign, households["p1"]), **POOR_SURVEY)
    services.review_submit(by=officer, review=review)
    services.review_verify(by=officer, review=review)
    attendance = {"ward": 2, "khoi": 3, "households": 5, **extra}
    body = {
        "campaign": campaign.pk,
        "khoi": world.hb_k1.pk,
        "held_on": "2025-10-20",
        "attendance": attendance,
        "votes": [{"review": review.pk, "agreed": 5}],
    }
    response = as_user(api_client, world, "ward_officer_hb").post("/api/v1/meetings/", body, format="json")
    assert response.status_code == 400
    (message,) = response.json()["attendance"]
    assert message.startswith("Không có thành phần dự họp này: ") and named in message
    assert "ward, khoi, front, organisations, reviewers, households, others" in message  # what to write instead
    assert not Meeting.objects.exists() and Review.objects.get(pk=review.pk).state == "verified"


def test_meeting_with_its_total_only_has_no_attendance_by_group(api_client, world, campaign, households):
    officer = world.users["ward_officer_hb"]
    to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    meeting = as_user(api_client, world, "ward_officer_hb").get("/api/v1/meetings/").json()["results"][0]
    assert (meeting["attendees"], meeting["attendance"]) == (12, None)


def test_decision_over_an_unposted_review_is_a_400(api_client, world, campaign, households):
    officer = world.users["ward_officer_hb"]
    review = services.review_save(by=officer, review=review_of(campaign, households["p1"]), **POOR_SURVEY)
    response = as_user(api_client, world, "ward_leader_hb").post(
        "/api/v1/decisions/",
        {"campaign": campaign.pk, "number": "1/QĐ", "signed_on": "2025-11-20", "reviews": [review.pk]},
        format="json",
    )
    assert response.status_code == 400 and "K1-01" in str(response.json()["reviews"])
    assert not Decision.objects.exists()


def test_decision_over_another_wards_review_is_a_404(api_client, world, campaign, qt_campaign, households):
    qt_review = review_of(qt_campaign, households["qt"])
    response = as_user(api_client, world, "ward_leader_hb").post(
        "/api/v1/decisions/",
        {"campaign": campaign.pk, "number": "1/QĐ", "signed_on": "2025-11-20", "reviews": [qt_review.pk]},
        format="json",
    )
    assert response.status_code == 404


@pytest.fixture
def ward_decisions(world, campaign, qt_campaign, households):
    """Hưng Bình's decision over a review of khối 1 and one of khối 2; Quang Trung's over its own review."""
    officer, leader = world.users["ward_officer_hb"], world.users["ward_leader_hb"]
    reviews = [
        to_posted(campaign, review_of(campaign, households[key]), officer=officer, survey=POOR_SURVEY)
        for key in ("p1", "p3")
    ]
    services.upper_report_record(by=officer, campaign=campaign, sent_on=date(2025, 11, 10))
    hb = services.decision_issue(
        by=leader, campaign=campaign, number="215/QĐ-UBND", signed_on=date(2025, 11, 20), reviews=reviews
    )
    qt_officer = world.users["ward_officer_qt"]
    qt_review = to_posted(qt_campaign, review_of(qt_campaign, households["qt"]), officer=qt_officer, survey=POOR_SURVEY)
    services.upper_report_record(by=qt_officer, campaign=qt_campaign, sent_on=date(2025, 11, 10))
    qt = services.decision_issue(
        by=WardLeaderFactory(ward=world.qt),
        campaign=qt_campaign,
        number="9/QĐ-UBND",
        signed_on=date(2025, 11, 20),
        reviews=[qt_review],
    )
    return {"hb": hb, "qt": qt, "K1-01": reviews[0].pk, "K2-01": reviews[1].pk, "QT-01": qt_review.pk}


# What each role sees of the decisions: a khối member sees their ward's decision (a ward-level object,
# docs/roles.md) but only the reviews of their own khối in it, never which households of khối 2 it covers
# (the decision's paper, listing them all, is a 403 for them).
VISIBLE_DECISIONS = {
    "admin": {"215/QĐ-UBND": {"K1-01", "K2-01"}, "9/QĐ-UBND": {"QT-01"}},
    "ward_leader_hb": {"215/QĐ-UBND": {"K1-01", "K2-01"}},
    "ward_officer_hb": {"215/QĐ-UBND": {"K1-01", "K2-01"}},
    "khoi_member_hb_k1": {"215/QĐ-UBND": {"K1-01"}},
    "upper_level": {"215/QĐ-UBND": {"K1-01", "K2-01"}, "9/QĐ-UBND": {"QT-01"}},
    "ward_officer_qt": {"9/QĐ-UBND": {"QT-01"}},
}


@pytest.mark.parametrize("role", ROLES)
def test_decisions_hold_only_the_reviews_in_scope(api_client, world, ward_decisions, role):
    codes = {pk: code for code, pk in ward_decisions.items() if code not in ("hb", "qt")}
    client = as_user(api_client, world, role)
    listed = client.get("/api/v1/decisions/").json()["results"]
    seen = {d["number"]: {codes[pk] for pk in d["reviews"]} for d in listed}
    assert seen == VISIBLE_DECISIONS[role]
    for key in ("hb", "qt"):
        decision = ward_decisions[key]
        response = client.get(f"/api/v1/decisions/{decision.pk}/")
        if decision.number in VISIBLE_DECISIONS[role]:
            assert {codes[pk] for pk in response.json()["reviews"]} == VISIBLE_DECISIONS[role][decision.number]
        else:
            assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_a_khoi_member_sees_no_review_of_another_khoi_in_a_decision(api_client, world, ward_decisions):
    """The leak a review found: the list gave a khối member the review ids of khối 2 (the regression test)."""
    client = as_user(api_client, world, "khoi_member_hb_k1")
    other_khoi = {ward_decisions["K2-01"], ward_decisions["QT-01"]}
    for decision in client.get("/api/v1/decisions/").json()["results"]:
        assert not other_khoi & set(decision["reviews"])
    assert client.get(f"/api/v1/decisions/{ward_decisions['hb'].pk}/").json()["reviews"] == [ward_decisions["K1-01"]]
    assert client.get(f"/api/v1/decisions/{ward_decisions['qt'].pk}/").status_code == 404


def test_board(api_client, world, campaign, households):
    officer = world.users["ward_officer_hb"]
    to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    rows = as_user(api_client, world, "ward_officer_hb").get(f"/api/v1/campaigns/{campaign.pk}/board/").json()
    k1 = next(r for r in rows if r["khoi"] == world.hb_k1.pk)
    assert (k1["listed"], k1["surveyed"], k1["verified"], k1["posted"], k1["recognised"]) == (3, 1, 1, 1, 0)
    member_rows = as_user(api_client, world, "khoi_member_hb_k1").get(f"/api/v1/campaigns/{campaign.pk}/board/")
    assert [r["khoi"] for r in member_rows.json()] == [world.hb_k1.pk]


# --- Query counts ---------------------------------------------------------------------------


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["ward_officer_hb", "khoi_member_hb_k1", "upper_level"])
def test_query_counts_do_not_grow_with_rows(api_client, world, campaign, households, role):
    client = as_user(api_client, world, role)
    urls = ["/api/v1/reviews/", "/api/v1/campaigns/", f"/api/v1/campaigns/{campaign.pk}/board/", "/api/v1/standards/"]
    few = [count(client, url) for url in urls]
    officer = world.users["ward_officer_hb"]
    for n in range(12):
        household = HouseholdFactory(khoi=world.hb_k1 if n % 2 else world.hb_k2, status="poor")
        review = Review.objects.create(campaign=campaign, household=household, khoi=household.khoi, from_status="poor")
        services.review_save(by=officer, review=review, **POOR_SURVEY)
    services.campaign_open(by=officer, ward=world.hb, kind="regular", year=2026, month=2)
    many = [count(client, url) for url in urls]
    assert many == few
    assert max(many) <= 6


def add_meeting_rows(world, campaign, *, n, start):
    """Per khối of Hưng Bình, `n` households each with a review voted at a meeting, posted, named by a decision,
    and a movement: the rows of the meetings, postings, decisions and movements lists."""
    for i in range(start, start + n):
        decision = Decision.objects.create(
            ward=world.hb, campaign=campaign, number=f"{i}/QĐ-UBND", signed_on=date(2025, 11, 20)
        )
        for khoi in (world.hb_k1, world.hb_k2):
            household = HouseholdFactory(khoi=khoi, status="poor")
            review = Review.objects.create(
                campaign=campaign, household=household, khoi=khoi, from_status="poor", decision=decision
            )
            meeting = Meeting.objects.create(campaign=campaign, khoi=khoi, held_on=date(2025, 10, 20), attendees=10)
            MeetingVote.objects.create(meeting=meeting, review=review, agreed=8, passed=True)
            Posting.objects.create(campaign=campaign, khoi=khoi, starts_on=date(2025, 11, 3), ends_on=date(2025, 11, 5))
            StatusChange.objects.create(
                household=household,
                from_status="poor",
                to_status="not_poor",
                effective_on=date(2025, 9, 1),
                reason="movement",
                movement="moved_away",
                note="Chuyển đi nơi khác",
            )


@pytest.mark.parametrize("role", ["ward_officer_hb", "khoi_member_hb_k1", "upper_level"])
def test_meeting_posting_decision_and_movement_lists_do_not_grow_with_rows(api_client, world, campaign, role):
    """Each row carries its votes (meetings) or the reviews in the user's scope (decisions): read with the list."""
    client = as_user(api_client, world, role)
    urls = ["/api/v1/meetings/", "/api/v1/postings/", "/api/v1/decisions/", "/api/v1/movements/"]
    add_meeting_rows(world, campaign, n=1, start=1)
    few = [count(client, url) for url in urls]
    rows_few = [client.get(url).json()["count"] for url in urls]
    add_meeting_rows(world, campaign, n=10, start=2)
    many = [count(client, url) for url in urls]
    rows_many = [client.get(url).json()["count"] for url in urls]
    assert all(m > f for m, f in zip(rows_many, rows_few, strict=True)), "the second measure must see more rows"
    assert many == few
    assert max(many) <= 6


# --- The steps ask the role, then the scope, then the body (found by the permission matrix) -------------------


def test_a_step_on_a_review_outside_the_scope_is_a_404_whatever_the_body(api_client, world, campaign, qt_campaign):
    qt_review = Review.objects.filter(campaign=qt_campaign).first()
    client = as_user(api_client, world, "ward_leader_hb")
    for step in ("return", "refuse"):
        assert client.post(f"/api/v1/reviews/{qt_review.pk}/{step}/", {}, format="json").status_code == 404


def test_a_role_that_may_not_take_a_step_gets_a_403_before_its_body_is_read(api_client, world, campaign, households):
    review = review_of(campaign, households["p1"])
    member = as_user(api_client, world, "khoi_member_hb_k1")
    assert member.post(f"/api/v1/reviews/{review.pk}/return/", {}, format="json").status_code == 403
    # A refusal is the ward leader's to sign: the officer is refused whatever the body says.
    officer = as_user(api_client, world, "ward_officer_hb")
    assert officer.post(f"/api/v1/reviews/{review.pk}/refuse/", {}, format="json").status_code == 403
    assert as_user(api_client, world, "upper_level").post(f"/api/v1/reviews/{review.pk}/verify/").status_code == 403


def test_a_regular_reviews_due_day_is_the_wards_own_on_the_api_and_the_page(api_client, client, world, officer):
    campaign = services.campaign_open(by=officer, ward=world.hb, kind="regular", year=2025, month=9)
    household = HouseholdFactory(khoi=world.hb_k1, code="K1-31", status="poor")
    review = Review.objects.create(
        campaign=campaign,
        household=household,
        khoi=world.hb_k1,
        from_status="poor",
        source="form_01",
        applied_on=date(2025, 9, 1),
    )
    ReviewSettings.objects.create(ward=world.hb, regular_review_days=10)  # the khối page's late flag counts these
    api = as_user(api_client, world, "ward_officer_hb")
    assert api.get(f"/api/v1/reviews/{review.pk}/").json()["due_on"] == "2025-09-11"
    listed = api.get("/api/v1/reviews/", {"campaign": campaign.pk}).json()["results"]
    assert [row["due_on"] for row in listed] == ["2025-09-11"]
    client.force_login(world.users["ward_officer_hb"])
    page = client.get(reverse("reviews-review", args=[review.pk]))
    assert page.status_code == 200 and page.context["due_on"] == date(2025, 9, 11)
