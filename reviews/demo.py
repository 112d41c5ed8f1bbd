"""The demo's periodic review (docs/reviews.md): Hưng Bình's autumn 2025 review, which sets the
classes of 2026, caught half-way, so that every "Rà soát" page shows something and the demo
users can take the next steps themselves.

- Khối 2 and 3 are through their meeting and the results are posted (khối 3's minutes were recorded
  without the chair's and secretary's names: its paper leaves them to be written by hand);
- the preliminary results were reported to the upper level, which agreed, and `lanhdao` recognised
  khối 2's households by decision (Mẫu 02, with its certificates, Mẫu 03); khối 3's decision is for
  `lanhdao` to try;
- khối 4 and 5 are surveyed and verified, waiting for their meeting;
- the other khối are still surveying: some households listed only, some drafts, some submitted
  (khối 1, `khoi1`'s, keeps households to survey).

Besides, October 2025's regular reviews: a household of khối 1 applied (Mẫu 01) to be recognised poor,
`khoi1` surveyed it above the lines, and `lanhdao` refused it in writing with the reasons.

Everything goes through reviews.services, as canbo, khoi1 and lanhdao would do it in the app; the services
stamp each step of a review's history with the time it is recorded, so the demo then dates its steps on the
days of the story (a review of October 2025 was not refused on the day the demo was loaded).
Deterministic (seeded by household codes) and idempotent: each part is done once (the periodic
campaign, its decision, the regular campaign). Skipped when no standard covers 2026 (a database
without the standards' data migration).
"""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from households.models import Household, Khoi, Ward
from households.rules import Status
from hungbinh.accounts.models import User

from . import services
from .models import (
    Campaign,
    CampaignKind,
    Cause,
    Certificate,
    Decision,
    Review,
    ReviewEvent,
    ReviewSource,
    ReviewState,
    Standard,
)

YEAR = 2025
POSTED_KHOI = (2, 3)
VERIFIED_KHOI = (4, 5)
# The survey: khối n from 15/9 + 3(n - 1) days (a Monday for khối 1), twelve households a day from 8:00, verified
# by the ward the day after the khối's last survey; every khối is through before the meetings of 6/11.
SURVEY_START, SURVEYS_PER_DAY, SURVEY_GAP = date(2025, 9, 15), 12, timedelta(minutes=20)
MEETING_DAY = date(2025, 11, 6)
POSTING_DAY = date(2025, 11, 10)  # a Monday: posted until Wednesday 12/11
# Khối 2's chair and secretary as its minutes name them; khối 3's were not recorded (written by hand).
MEETING_NAMES = {2: ("Phan Văn Tâm", "Nguyễn Thị Hoa")}
# The preliminary results go up by 15/11 (DOMAIN: the province's deadlines); the upper level agrees.
REPORT_DAY, REPORT_NUMBER = date(2025, 11, 14), "312/BC-UBND"
ANSWER_DAY = date(2025, 11, 19)
ANSWER = (
    "Thống nhất kết quả rà soát sơ bộ của Khối 2, Khối 3; đề nghị Ủy ban nhân dân phường ban hành "
    "quyết định công nhận theo quy định."
)
DECIDED_KHOI = 2
DECISION_DAY, DECISION_NUMBER = date(2025, 11, 24), "245/QĐ-UBND"
# October 2025's regular reviews (15/10 – 14/11): one application of khối 1, refused in writing.
REGULAR_MONTH = 10
APPLIED_ON, SURVEYED_ON, REFUSED_ON = date(2025, 10, 20), date(2025, 10, 23), date(2025, 10, 31)
REFUSED_INCOME = 3_400_000
REFUSAL_REASON = (
    "Qua điều tra, thu nhập bình quân của hộ là 3.400.000 đồng/người/tháng, cao hơn chuẩn hộ cận nghèo "
    "khu vực thành thị (2.000.000 đồng/người/tháng) và cao hơn mức sống trung bình (3.000.000 đồng/người/tháng).\n"
    "Hộ chỉ thiếu hụt 01 chỉ số dịch vụ xã hội cơ bản (bảo hiểm y tế).\n"
    "Hộ không thuộc diện hộ nghèo, hộ cận nghèo theo chuẩn nghèo đa chiều (Nghị định số 07/2021/NĐ-CP)."
)
DEPRIVATIONS = [
    "viec_lam",
    "nguoi_phu_thuoc",
    "bao_hiem_y_te",
    "giao_duc_nguoi_lon",
    "chat_luong_nha",
    "dien_tich_nha",
    "nguon_nuoc",
    "nha_tieu",
    "vien_thong",
]
CAUSES = [Cause.CAPITAL, Cause.LABOUR, Cause.SKILLS, Cause.ILLNESS, Cause.LAND]


def survey_figures(rng: random.Random, from_status: str) -> dict:
    """Plausible figures: most stay in their class, some poor become near-poor, some near-poor escape."""
    roll = rng.random()
    if from_status == Status.POOR and roll < 0.7:
        income, deprived = rng.randrange(1_100_000, 1_950_000, 50_000), rng.randint(3, 5)
    elif from_status == Status.POOR or roll < 0.65:
        income, deprived = rng.randrange(1_400_000, 1_950_000, 50_000), rng.randint(0, 2)
    else:
        income, deprived = rng.randrange(2_100_000, 2_900_000, 50_000), rng.randint(0, 2)
    poor_like = income <= 2_000_000
    return {
        "income_per_capita": income,
        "deprivations": rng.sample(DEPRIVATIONS, deprived),
        "causes": sorted(rng.sample(CAUSES, rng.randint(1, 2))) if poor_like else [],
    }


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment of the story, in the ward's time."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def date_events(reviews, times: dict[tuple[int, str], datetime]) -> None:
    """Give the events of `reviews` the story's times by (review, action); never later than now."""
    now = timezone.now()
    events = list(ReviewEvent.objects.filter(review__in=reviews).only("pk", "review_id", "action", "at"))
    for event in events:
        event.at = min(times.get((event.review_id, event.action), event.at), now)
    ReviewEvent.objects.bulk_update(events, ["at"], batch_size=500)


def seed_reviews_demo(*, hb: Ward) -> dict[str, int]:
    if not Standard.objects.filter(year_from__lte=YEAR + 1, year_to__gte=YEAR + 1).exists():
        return {"reviews": 0}
    created = {"reviews": 0}
    campaign = Campaign.objects.filter(ward=hb, kind=CampaignKind.PERIODIC, year=YEAR).first()
    if campaign is None:
        campaign = seed_periodic_review(hb)
        created["reviews"] = campaign.reviews.count()
    created["decisions"], created["certificates"] = seed_decision(campaign)
    created["reviews"] += seed_refused_review(hb)
    return created


def seed_periodic_review(hb: Ward) -> Campaign:
    officer = User.objects.get(username="canbo")
    member = User.objects.filter(username="khoi1", khoi__ward=hb).first()
    campaign = services.campaign_open(by=officer, ward=hb, kind=CampaignKind.PERIODIC, year=YEAR)
    khois = {k.pk: k for k in Khoi.objects.filter(ward=hb)}
    by_khoi: dict[int, list[Review]] = {}
    for review in campaign.reviews.select_related("household").order_by("household__code"):
        by_khoi.setdefault(khois[review.khoi_id].position, []).append(review)
    if member is not None:
        services.campaign_assign(by=officer, campaign=campaign, khoi=member.khoi, member=member)
    times: dict[tuple[int, str], datetime] = {}
    for position, reviews in sorted(by_khoi.items()):
        khoi = khois[reviews[0].khoi_id]
        surveyor = member if member is not None and member.khoi_id == khoi.pk else officer
        done = position in POSTED_KHOI or position in VERIFIED_KHOI
        first_day = SURVEY_START + timedelta(days=3 * (position - 1))
        verified_on = first_day + timedelta(days=(len(reviews) - 1) // SURVEYS_PER_DAY + 1)
        for index, review in enumerate(reviews):
            rng = random.Random(f"review-{YEAR}/{review.household.code}")  # noqa: S311 - demo data, not secrets
            figures = survey_figures(rng, review.from_status)
            surveyed = (
                at(first_day + timedelta(days=index // SURVEYS_PER_DAY), 8) + index % SURVEYS_PER_DAY * SURVEY_GAP
            )
            times[review.pk, "save"], times[review.pk, "submit"] = surveyed, surveyed + timedelta(minutes=5)
            times[review.pk, "verify"] = at(verified_on, 14) + index * timedelta(minutes=2)
            roll = 1.0 if done else rng.random()
            if roll < 0.35:
                continue  # listed, not surveyed yet
            if roll < 0.65:
                services.review_save(by=surveyor, review=review, **figures)
                continue
            review = services.review_submit(by=surveyor, review=review, **figures)
            if done:
                services.review_verify(by=officer, review=review)
        if position in POSTED_KHOI:
            attendance = {
                "ward": 2,
                "khoi": 3,
                "front": 1,
                "organisations": 4,
                "reviewers": 2,
                "households": len(reviews),
                "others": 18 + len(reviews) % 12,
            }
            attendees = sum(attendance.values())
            votes = [(r, attendees - i % 4) for i, r in enumerate(reviews)]
            chair, secretary = MEETING_NAMES.get(position, ("", ""))
            services.meeting_record(
                by=officer,
                campaign=campaign,
                khoi=khoi,
                held_on=MEETING_DAY,
                attendance=attendance,
                votes=votes,
                households_represented=len(reviews),
                chair=chair,
                secretary=secretary,
            )
            services.posting_open(by=officer, campaign=campaign, khoi=khoi, starts_on=POSTING_DAY)
            for review in reviews:
                times[review.pk, "meeting"], times[review.pk, "post"] = at(MEETING_DAY, 19, 30), at(POSTING_DAY, 7, 30)
    date_events(campaign.reviews.all(), times)
    return campaign


def seed_decision(campaign: Campaign) -> tuple[int, int]:
    """Khối 2's households recognised by `lanhdao`'s decision, once its results went up to the upper level.

    Returns (decisions, certificates) made. Done once, and only while khối 2's households all still wait
    for their decision (a demo user may have decided them). The demo households' registry history is
    dated from the day of seeding, so when seeding long after the story a household may have a later
    class than the decision's day: the decision is then dated the day after it, as the service requires.
    """
    if Decision.objects.filter(campaign=campaign).exists():
        return 0, 0
    officer = User.objects.filter(username="canbo", ward=campaign.ward).first()
    leader = User.objects.filter(username="lanhdao", ward=campaign.ward).first()
    reviews = list(campaign.reviews.filter(khoi__position=DECIDED_KHOI).select_related("household"))
    if officer is None or leader is None or not reviews or any(r.state != ReviewState.POSTED for r in reviews):
        return 0, 0
    later = [
        r.household.status_since + timedelta(days=1)
        for r in reviews
        if r.proposed_status != r.household.status and r.household.status_since
    ]
    signed_on = max([DECISION_DAY, *later])
    if signed_on > timezone.localdate():
        return 0, 0
    if not campaign.upper_reports.filter(sent_on__lte=signed_on).exists():
        report = services.upper_report_record(by=officer, campaign=campaign, sent_on=REPORT_DAY, number=REPORT_NUMBER)
        services.upper_report_answer(by=officer, report=report, answered_on=ANSWER_DAY, answer=ANSWER)
    decision = services.decision_issue(
        by=leader, campaign=campaign, number=DECISION_NUMBER, signed_on=signed_on, reviews=reviews
    )
    date_events(reviews, {(r.pk, "decision"): at(signed_on, 16) for r in reviews})
    return 1, Certificate.objects.filter(review__decision=decision).count()


def seed_refused_review(hb: Ward) -> int:
    """October 2025's regular reviews: a not-poor household of khối 1 asks (Mẫu 01) to be recognised poor;
    `khoi1` surveys it, its income is above the lines, and `lanhdao` refuses in writing. Once."""
    if Campaign.objects.filter(ward=hb, kind=CampaignKind.REGULAR, year=YEAR, month=REGULAR_MONTH).exists():
        return 0
    officer = User.objects.filter(username="canbo", ward=hb).first()
    leader = User.objects.filter(username="lanhdao", ward=hb).first()
    member = User.objects.filter(username="khoi1", khoi__ward=hb).first()
    if officer is None or leader is None or member is None:
        return 0
    household = (
        Household.objects.filter(khoi=member.khoi, status=Status.NOT_POOR, escaped_poverty_on__isnull=True)
        .order_by("code")
        .first()
    )
    if household is None:
        return 0
    campaign = services.campaign_open(by=officer, ward=hb, kind=CampaignKind.REGULAR, year=YEAR, month=REGULAR_MONTH)
    review = services.review_add_application(
        by=member, campaign=campaign, form=ReviewSource.FORM_01, applied_on=APPLIED_ON, household=household
    )
    review = services.review_submit(
        by=member, review=review, income_per_capita=REFUSED_INCOME, deprivations=["bao_hiem_y_te"], causes=[]
    )
    services.review_refuse(by=leader, review=review, reason=REFUSAL_REASON, refused_on=REFUSED_ON)
    surveyed = at(SURVEYED_ON, 9)
    steps = {
        "apply": at(APPLIED_ON, 8, 30),
        "save": surveyed,
        "submit": surveyed + timedelta(minutes=5),
        "refuse": at(REFUSED_ON, 15),
    }
    date_events([review], {(review.pk, action): when for action, when in steps.items()})
    return 1
