"""Review pages: who sees what (another ward's or khối's object is a 404), who may act (403), constant queries."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households.models import Ward
from reviews import services
from reviews.models import Campaign, Complaint, Meeting, Review, Standard
from tests.factories import HouseholdFactory, MemberFactory

from .conftest import POOR_SURVEY, review_of, to_posted, to_verified

pytestmark = pytest.mark.django_db

ROLES = ["admin", "ward_leader_hb", "ward_officer_hb", "khoi_member_hb_k1", "upper_level", "ward_officer_qt"]


def login(client, world, role):
    client.force_login(world.users[role])
    return client


def pages(campaign, world, households):
    review = review_of(campaign, households["p1"])
    return {
        "list": reverse("reviews-campaigns"),
        "board": reverse("reviews-campaign", args=[campaign.pk]),
        "khoi": reverse("reviews-khoi", args=[campaign.pk, world.hb_k1.pk]),
        "review": reverse("reviews-review", args=[review.pk]),
        "meeting": reverse("reviews-meeting", args=[campaign.pk, world.hb_k1.pk]),
    }


# (role, page) → status: the Hưng Bình campaign and its khối 1
EXPECTED = {
    "ward_officer_qt": {"list": 200, "board": 404, "khoi": 404, "review": 404, "meeting": 404},
}


@pytest.mark.parametrize("role", ROLES)
def test_pages_follow_the_scope(client, world, campaign, households, role):
    for name, url in pages(campaign, world, households).items():
        expected = EXPECTED.get(role, {}).get(name, 200)
        assert login(client, world, role).get(url).status_code == expected, (role, name)


def test_khoi_member_cannot_open_another_khois_part(client, world, campaign, households):
    client = login(client, world, "khoi_member_hb_k1")
    assert client.get(reverse("reviews-khoi", args=[campaign.pk, world.hb_k2.pk])).status_code == 404
    other = review_of(campaign, households["p3"])
    assert client.get(reverse("reviews-review", args=[other.pk])).status_code == 404
    assert client.post(reverse("reviews-review", args=[other.pk]), {"step": "save"}).status_code == 404


def test_navigation_entry(client, world):
    response = login(client, world, "khoi_member_hb_k1").get(reverse("reviews-campaigns"))
    assert 'href="/reviews/" aria-current="page"' in response.content.decode()


def test_officer_opens_a_campaign_from_the_page(client, world, households):
    response = login(client, world, "ward_officer_hb").post(
        reverse("reviews-campaigns"), {"kind": "periodic", "year": 2025}
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response.url == reverse("reviews-campaign", args=[campaign.pk])
    again = client.post(reverse("reviews-campaigns"), {"kind": "periodic", "year": 2025})
    assert again.status_code == 200 and "đã được mở" in again.content.decode()


@pytest.mark.parametrize("role", ["khoi_member_hb_k1", "upper_level"])
def test_others_cannot_open_a_campaign(client, world, role):
    assert (
        login(client, world, role).post(reverse("reviews-campaigns"), {"kind": "periodic", "year": 2025}).status_code
        == 403
    )
    assert not Campaign.objects.exists()


def test_survey_on_the_page_saves_then_submits(client, world, campaign, households):
    review = review_of(campaign, households["p1"])
    MemberFactory(household=households["p1"], full_name="Bé Na", birth_date=date(2020, 1, 1))
    client = login(client, world, "khoi_member_hb_k1")
    page = client.get(reverse("reviews-review", args=[review.pk])).content.decode()
    assert "data-classify-url" in page and "trẻ em dưới 16 tuổi" in page.lower()
    response = client.post(
        reverse("reviews-review", args=[review.pk]),
        {
            "step": "save",
            "income_per_capita": "1500000",
            "deprivations": POOR_SURVEY["deprivations"],
            "causes": ["capital"],
        },
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.state, review.proposed_status, review.causes) == ("draft", "poor", ["capital"])
    client.post(
        reverse("reviews-review", args=[review.pk]),
        {"step": "submit", "income_per_capita": "1500000", "deprivations": POOR_SURVEY["deprivations"]},
    )
    assert Review.objects.get(pk=review.pk).state == "submitted"


def test_bad_survey_shows_the_message_and_saves_nothing(client, world, campaign, households):
    review = review_of(campaign, households["p1"])
    response = login(client, world, "khoi_member_hb_k1").post(
        reverse("reviews-review", args=[review.pk]), {"step": "submit"}
    )
    assert response.status_code == 200 and "thu nhập bình quân" in response.content.decode()
    assert Review.objects.get(pk=review.pk).state == "listed"


@pytest.mark.parametrize(
    ("area", "rural_cut_off", "asks_for_income"),
    [("urban", None, False), ("rural", None, True), ("rural", 140, False)],
)
def test_review_page_reads_the_score_a_cut_off_of_the_wards_area(
    client, world, campaign, households, area, rural_cut_off, asks_for_income
):
    """Nghị định 07's urban cut-off is 175: a rural ward without a rural cut-off is asked for the income."""
    Standard.objects.filter(pk=campaign.standard_id).update(score_a_cutoff_rural=rural_cut_off)
    Ward.objects.filter(pk=world.hb.pk).update(area_type=area)
    url = reverse("reviews-review", args=[review_of(campaign, households["p1"]).pk])
    page = login(client, world, "ward_officer_hb").get(url).content.decode()
    assert ("Chuẩn nghèo này không có ngưỡng điểm A: hãy nhập thu nhập." in page) == asks_for_income


@pytest.mark.parametrize("role", ["admin", "ward_leader_hb", "ward_officer_hb", "khoi_member_hb_k1", "upper_level"])
def test_the_review_page_gives_the_dependants_hint_only_to_a_role_that_may_see_disability(
    client, world, campaign, households, role
):
    """The hint counts the members with a disability; the upper level may not see disability (its page has no
    survey to edit either), so its page is given no count at all."""
    MemberFactory(household=households["p1"], birth_date=date(1990, 1, 1), is_disabled=True)
    url = reverse("reviews-review", args=[review_of(campaign, households["p1"]).pk])
    response = login(client, world, role).get(url)
    assert response.status_code == 200
    facts = {checkbox.data["value"]: fact for checkbox, fact in response.context["indicator_rows"]}
    assert (facts["nguoi_phu_thuoc"] is not None) is (role != "upper_level")
    assert facts["viec_lam"] is not None
    page = response.content.decode()
    assert ("/1 thành viên dưới 15 tuổi, trên 60 tuổi hoặc khuyết tật" in page) is (role != "upper_level")


def test_member_cannot_verify(client, world, campaign, households):
    review = services.review_save(
        by=world.users["ward_officer_hb"], review=review_of(campaign, households["p1"]), **POOR_SURVEY
    )
    services.review_submit(by=world.users["ward_officer_hb"], review=review)
    response = login(client, world, "khoi_member_hb_k1").post(
        reverse("reviews-review", args=[review.pk]), {"step": "verify"}
    )
    assert response.status_code == 403
    assert Review.objects.get(pk=review.pk).state == "submitted"
    assert (
        login(client, world, "ward_officer_hb")
        .post(reverse("reviews-review", args=[review.pk]), {"step": "verify"})
        .status_code
        == 302
    )
    assert Review.objects.get(pk=review.pk).state == "verified"


def test_meeting_posting_and_decision_pages(client, world, campaign, households):
    officer = world.users["ward_officer_hb"]
    review = to_verified(review_of(campaign, households["p1"]), officer=officer)
    client = login(client, world, "ward_officer_hb")
    url = reverse("reviews-meeting", args=[campaign.pk, world.hb_k1.pk])
    # The chair's and secretary's fields say what the minutes do with them (printed, or dots when empty).
    assert client.get(url).content.decode().count("để trống thì biên bản để dòng chấm chấm để viết tay") == 2
    groups = {"attendees_ward": "2", "attendees_khoi": "3", "attendees_households": "5"}  # 10 in all
    bad = client.post(url, {"held_on": "20/10/2025", **groups, f"agreed_{review.pk}": "11"})
    assert bad.status_code == 200 and "11" in bad.content.decode()
    assert client.post(url, {"held_on": "20/10/2025", **groups, f"agreed_{review.pk}": "5"}).status_code == 302
    meeting = Meeting.objects.get(campaign=campaign)
    assert meeting.attendees == 10 and (meeting.attendees_ward, meeting.attendees_front) == (2, 0)
    posting = client.post(reverse("reviews-posting", args=[campaign.pk, world.hb_k1.pk]), {"starts_on": "07/11/2025"})
    assert posting.status_code == 302
    assert client.post(reverse("reviews-report", args=[campaign.pk]), {"sent_on": "12/11/2025"}).status_code == 302
    decision_url = reverse("reviews-decision", args=[campaign.pk])
    assert client.get(decision_url).status_code == 403
    leader = login(client, world, "ward_leader_hb")
    response = leader.post(decision_url, {"number": "99/QĐ-UBND", "signed_on": "20/11/2025", "reviews": [review.pk]})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Review.objects.get(pk=review.pk).state == "recognised"
    page = leader.get(reverse("reviews-review", args=[review.pk])).content.decode()
    assert "1/GCN-HN.HCN, 20/11/2025" in page


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ({"attendees_front": "-1", "attendees_ward": "3"}, "Số người không được âm."),
        ({"attendees_front": "hai"}, "Hãy nhập số người là một số nguyên (0 nếu không ai đến)."),
        ({}, "Hãy nhập số người dự họp của từng thành phần (tổng cộng ít nhất 1 người)."),
    ],
)
def test_meeting_page_bad_attendance_saves_nothing(client, world, campaign, households, groups, message):
    officer = world.users["ward_officer_hb"]
    review = to_verified(review_of(campaign, households["p1"]), officer=officer)
    client = login(client, world, "khoi_member_hb_k1")
    url = reverse("reviews-meeting", args=[campaign.pk, world.hb_k1.pk])
    page = client.get(url).content.decode()
    assert "Thành phần dự họp" in page and "Mặt trận Tổ quốc" in page and 'name="attendees"' not in page
    response = client.post(url, {"held_on": "20/10/2025", **groups, f"agreed_{review.pk}": "1"})
    assert response.status_code == 200 and message in response.content.decode()
    assert not Meeting.objects.exists() and Review.objects.get(pk=review.pk).state == "verified"


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# Campaigns, board, khối (ward staff also read the committee), meeting, review: session and user first, then the
# page's own reads through reviews.selectors; the board's papers card takes the board's decisions, the review's its
# certificate (each read once), the khối's card reads its meetings and postings.
PAGE_QUERIES = {"ward_officer_hb": [4, 7, 9, 5, 7], "khoi_member_hb_k1": [3, 7, 8, 5, 7]}


@pytest.mark.parametrize("role", ["ward_officer_hb", "khoi_member_hb_k1"])
def test_page_queries_do_not_grow_with_rows(client, world, campaign, households, role):
    officer = world.users["ward_officer_hb"]
    to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    client = login(client, world, role)
    urls = [
        reverse("reviews-campaigns"),
        reverse("reviews-campaign", args=[campaign.pk]),
        reverse("reviews-khoi", args=[campaign.pk, world.hb_k1.pk]),
        reverse("reviews-meeting", args=[campaign.pk, world.hb_k1.pk]),
        reverse("reviews-review", args=[review_of(campaign, households["p1"]).pk]),
    ]
    few = [count(client, url) for url in urls]
    assert all(n <= pin for n, pin in zip(few, PAGE_QUERIES[role], strict=True)), few
    for _ in range(10):
        household = HouseholdFactory(khoi=world.hb_k1, status="poor")
        MemberFactory(household=household)
        review = Review.objects.create(campaign=campaign, household=household, khoi=world.hb_k1, from_status="poor")
        to_verified(review, officer=officer)
        MemberFactory(household=households["p1"])
    services.campaign_open(by=officer, ward=world.hb, kind="regular", year=2026, month=1)
    assert [count(client, url) for url in urls] == few


def test_application_pages(client, world, campaign, households):
    client = login(client, world, "khoi_member_hb_k1")
    url = reverse("reviews-apply", args=[campaign.pk, world.hb_k1.pk])
    page = client.get(url).content.decode()
    assert "K1-04" in page and "K1-01" not in page  # K1-01 is already listed
    assert client.get(reverse("reviews-apply", args=[campaign.pk, world.hb_k2.pk])).status_code == 404
    response = client.post(
        url, {"source": "form_01", "applied_on": "10/09/2025", "household": str(households["x1"].pk)}
    )
    assert response.status_code == 302
    new = client.post(
        url,
        {"source": "form_01", "applied_on": "10/09/2025", "household": "", "code": "K1-88", "head_name": "Võ Thị Lan"},
    )
    assert new.status_code == 302
    assert Review.objects.get(household__code="K1-88").source == "form_01"
    missing = client.post(url, {"source": "form_01", "applied_on": "10/09/2025", "household": ""})
    assert missing.status_code == 200 and Review.objects.filter(campaign=campaign).count() == 6


def test_assign_page(client, world, campaign, households):
    member = world.users["khoi_member_hb_k1"]
    url = reverse("reviews-assign", args=[campaign.pk, world.hb_k1.pk])
    assert login(client, world, "khoi_member_hb_k1").post(url, {"member": member.pk}).status_code == 403
    assert login(client, world, "ward_officer_hb").post(url, {"member": member.pk}).status_code == 302
    assert set(Review.objects.filter(khoi=world.hb_k1).values_list("assigned_to", flat=True)) == {member.pk}


def test_complaint_and_answer_pages(client, world, campaign, households):
    officer = world.users["ward_officer_hb"]
    review = to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    client = login(client, world, "ward_officer_hb")
    url = reverse("reviews-review", args=[review.pk])
    late = client.post(url, {"step": "complaint", "received_on": "20/11/2025", "content": "Hộ có ô tô"})
    assert late.status_code == 200 and "05/11/2025" in late.content.decode()
    assert (
        client.post(url, {"step": "complaint", "received_on": "04/11/2025", "content": "Hộ có ô tô"}).status_code == 302
    )
    complaint = review.complaints.get()
    resolve = {"step": "resolve", "complaint": complaint.pk, "upheld": "false", "result": "Không đúng"}
    early = client.post(url, {**resolve, "resolved_on": "03/11/2025"})
    assert early.status_code == 200
    assert "Không thể giải quyết khiếu nại trước ngày nhận (04/11/2025)." in early.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).resolved_on is None
    assert Review.objects.get(pk=review.pk).state == "posted"
    response = client.post(url, {**resolve, "resolved_on": "06/11/2025"})
    assert response.status_code == 302
    assert Review.objects.get(pk=review.pk).state == "agreed"
    report = services.upper_report_record(by=officer, campaign=campaign, sent_on=date(2025, 11, 10))
    answer = reverse("reviews-answer", args=[campaign.pk, report.pk])
    assert (
        client.post(answer, {"report": report.pk, "answered_on": "15/11/2025", "answer": "Đồng ý"}).status_code == 302
    )
    report.refresh_from_db()
    assert report.answer == "Đồng ý"
    assert login(client, world, "ward_officer_qt").get(answer).status_code == 404


def test_a_complaint_resolved_or_an_answer_dated_after_today_shows_the_message_and_saves_nothing(
    client, world, campaign, households
):
    """There is no API for complaints and upper answers: the review's and the campaign's pages are where the date
    rules answer."""
    from datetime import timedelta

    from django.utils import timezone

    officer = world.users["ward_officer_hb"]
    tomorrow = f"{timezone.localdate() + timedelta(days=1):%d/%m/%Y}"
    review = to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    complaint = services.complaint_record(by=officer, review=review, received_on=date(2025, 11, 4), content="Hộ có xe")
    client = login(client, world, "ward_officer_hb")
    url = reverse("reviews-review", args=[review.pk])
    resolve = {
        "step": "resolve",
        "complaint": complaint.pk,
        "upheld": "true",
        "result": "Đúng",
        "resolved_on": tomorrow,
    }
    response = client.post(url, resolve)
    assert response.status_code == 200
    assert "Ngày giải quyết khiếu nại không được ở tương lai" in response.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).resolved_on is None
    assert Review.objects.get(pk=review.pk).state == "posted"
    report = services.upper_report_record(by=officer, campaign=campaign, sent_on=date(2025, 11, 10))
    answer = reverse("reviews-answer", args=[campaign.pk, report.pk])
    response = client.post(answer, {"report": report.pk, "answered_on": tomorrow, "answer": "Đồng ý"})
    assert response.status_code == 200
    assert "Ngày cấp trên trả lời không được ở tương lai" in response.content.decode()
    report.refresh_from_db()
    assert (report.answered_on, report.answer) == (None, "")


def test_a_refused_reviews_history_names_the_refusal_and_points_to_its_reasons(client, world, officer, households):
    """The reasons are in full in the page's facts; the history repeated them whole on one line of its own.
    Its step now says who refused and when, and links to the reasons above, in both languages."""
    campaign = services.campaign_open(by=officer, ward=world.hb, kind="regular", year=2026, month=3)
    review = services.review_add_application(
        by=officer, campaign=campaign, form="form_01", applied_on=date(2026, 3, 16), household=households["x1"]
    )
    leader = world.users["ward_leader_hb"]
    leader.first_name, leader.last_name = "Nhàn", "Hồ Thị"
    leader.save()
    reasons = "Thu nhập bình quân 2.600.000 đồng/người/tháng, trên chuẩn hộ nghèo.\nCó ô tô riêng."
    services.review_refuse(by=leader, review=review, reason=reasons, refused_on=date(2026, 3, 25))
    client = login(client, world, "ward_officer_hb")
    for prefix, label, link in (
        ("", "Đã từ chối bằng văn bản", "lý do ở trên"),
        ("/en", "Refused in writing", "reasons above"),
    ):
        page = client.get(prefix + reverse("reviews-review", args=[review.pk])).content.decode()
        assert page.count("Thu nhập bình quân 2.600.000") == 1 and page.count("Có ô tô riêng.") == 1  # the facts'
        step = page.split('data-testid="event-refuse">', 1)[1].split("</li>", 1)[0]
        assert f"Hồ Thị Nhàn · {label} (" in step, step
        assert f'<a href="#refusal-reason">{link}</a>)' in step and 'id="refusal-reason"' in page


def test_a_complaints_history_steps_point_to_the_complaints_card(client, world, campaign, households):
    """The complaints card shows a complaint's text and its result; the history repeated both whole. Its steps now
    say who received or resolved it and when, and link to the card, in both languages."""
    officer = world.users["ward_officer_hb"]
    review = to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    client = login(client, world, "ward_officer_hb")
    url = reverse("reviews-review", args=[review.pk])
    content = "Hộ đã mua ô tô riêng từ tháng 9, thu nhập cao hơn khai báo."
    result = "Kiểm tra lại: xe của người thân đứng tên hộ, giữ kết quả bình xét."
    assert client.post(url, {"step": "complaint", "received_on": "04/11/2025", "content": content}).status_code == 302
    complaint = review.complaints.get()
    resolve = {"step": "resolve", "complaint": complaint.pk, "upheld": "false", "result": result}
    assert client.post(url, {**resolve, "resolved_on": "06/11/2025"}).status_code == 302
    for prefix, links in (
        ("", {"complaint": "khiếu nại ở trên", "complaint_resolved": "kết quả ở trên"}),
        ("/en", {"complaint": "complaint above", "complaint_resolved": "result above"}),
    ):
        page = client.get(prefix + url).content.decode()
        assert page.count(content) == 1 and page.count(result) == 1  # the complaints card's
        assert 'id="complaints"' in page
        for action, link in links.items():
            step = page.split(f'data-testid="event-{action}">', 1)[1].split("</li>", 1)[0]
            assert f'(<a href="#complaints">{link}</a>)' in step, step
            assert content not in step and result not in step


def test_the_upper_answer_page_asks_the_role_first_then_the_scope(client, world, campaign, officer):
    """Like the other steps' pages: a role that may not record the answer gets a 403 whatever the campaign and
    report (it used to get a 404 for one it could not see and a 403 for one it could); ward staff get a 404
    for another ward's."""
    from tests.factories import UnitFactory, UnitMemberFactory

    qt_officer = world.users["ward_officer_qt"]
    qt_campaign = services.campaign_open(by=qt_officer, ward=world.qt, kind="periodic", year=2025)
    report = services.upper_report_record(by=officer, campaign=campaign, sent_on=date(2025, 11, 10))
    qt_report = services.upper_report_record(by=qt_officer, campaign=qt_campaign, sent_on=date(2025, 11, 10))
    ours = reverse("reviews-answer", args=[campaign.pk, report.pk])
    theirs = reverse("reviews-answer", args=[qt_campaign.pk, qt_report.pk])
    crossed = reverse("reviews-answer", args=[campaign.pk, qt_report.pk])  # another campaign's report
    missing = reverse("reviews-answer", args=[campaign.pk, qt_report.pk + 100])

    def answers(user):
        client.force_login(user)
        return [client.get(url).status_code for url in (ours, theirs, crossed, missing)]

    unit_member = UnitMemberFactory(unit=UnitFactory(ward=world.hb))
    for user in (world.users["khoi_member_hb_k1"], world.users["upper_level"], unit_member):
        assert answers(user) == [403, 403, 403, 403]
    for role in ("ward_leader_hb", "ward_officer_hb"):
        assert answers(world.users[role]) == [200, 404, 404, 404]
    assert answers(qt_officer) == [404, 200, 404, 404]
    assert answers(world.users["admin"]) == [200, 200, 404, 404]


def test_a_complaint_of_another_review_is_not_resolved_from_this_reviews_page(client, world, campaign, households):
    officer = world.users["ward_officer_hb"]
    k1 = to_posted(campaign, review_of(campaign, households["p1"]), officer=officer, survey=POOR_SURVEY)
    k2 = to_posted(campaign, review_of(campaign, households["p3"]), officer=officer, survey=POOR_SURVEY)
    other = services.complaint_record(by=officer, review=k2, received_on=date(2025, 11, 4), content="Hộ có ô tô")
    resolve = {"step": "resolve", "complaint": other.pk, "upheld": "false", "result": "Không đúng"}
    url = reverse("reviews-review", args=[k1.pk])
    assert (
        login(client, world, "ward_officer_hb").post(url, {**resolve, "resolved_on": "06/11/2025"}).status_code == 404
    )
    assert Complaint.objects.get(pk=other.pk).resolved_on is None
    own = reverse("reviews-review", args=[k2.pk])
    assert (
        login(client, world, "khoi_member_hb_k1").post(own, {**resolve, "resolved_on": "06/11/2025"}).status_code == 404
    )
    assert (
        login(client, world, "ward_officer_qt").post(own, {**resolve, "resolved_on": "06/11/2025"}).status_code == 404
    )


def test_assigning_one_household_says_so_in_the_singular(client, world, campaign, households):
    # Khối 2 lists one household: the message read "1 households given to …".
    from tests.factories import KhoiMemberFactory

    member = KhoiMemberFactory(username="khoi2", khoi=world.hb_k2, first_name="Lan", last_name="Trần Thị")
    client = login(client, world, "ward_officer_hb")
    page = client.post(
        f"/en/reviews/{campaign.pk}/khoi/{world.hb_k2.pk}/assign/", {"member": member.pk}, follow=True
    ).content.decode()
    assert f"1 household given to {member.get_full_name()}." in page
