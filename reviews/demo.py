"""The demo's periodic review (docs/reviews.md): Hưng Bình's autumn 2025 review, which sets the
classes of 2026, caught half-way, so that every "Rà soát" page shows something and the demo
users can take the next steps themselves.

- Khối 2 and 3 are through their meeting and the results are posted;
- khối 4 and 5 are surveyed and verified, waiting for their meeting;
- the other khối are still surveying: some households listed only, some drafts, some submitted
  (khối 1, `khoi1`'s, keeps households to survey);
- nothing is decided: the decision is for `lanhdao` to try.

Everything goes through reviews.services, as canbo and khoi1 would do it in the app.
Deterministic (seeded by household codes) and idempotent: once the campaign exists nothing is done.
Skipped when no standard covers 2026 (a database without the standards' data migration).
"""

import random
from datetime import date

from households.models import Khoi, Ward
from households.rules import Status
from hungbinh.accounts.models import User

from . import services
from .models import Campaign, CampaignKind, Cause, Review, Standard

YEAR = 2025
POSTED_KHOI = (2, 3)
VERIFIED_KHOI = (4, 5)
MEETING_DAY = date(2025, 11, 6)
POSTING_DAY = date(2025, 11, 10)
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


def seed_reviews_demo(*, hb: Ward) -> dict[str, int]:
    if Campaign.objects.filter(ward=hb, kind=CampaignKind.PERIODIC, year=YEAR).exists():
        return {"reviews": 0}
    if not Standard.objects.filter(year_from__lte=YEAR + 1, year_to__gte=YEAR + 1).exists():
        return {"reviews": 0}
    officer = User.objects.get(username="canbo")
    member = User.objects.filter(username="khoi1", khoi__ward=hb).first()
    campaign = services.campaign_open(by=officer, ward=hb, kind=CampaignKind.PERIODIC, year=YEAR)
    khois = {k.pk: k for k in Khoi.objects.filter(ward=hb)}
    by_khoi: dict[int, list[Review]] = {}
    for review in campaign.reviews.select_related("household").order_by("household__code"):
        by_khoi.setdefault(khois[review.khoi_id].position, []).append(review)
    if member is not None:
        services.campaign_assign(by=officer, campaign=campaign, khoi=member.khoi, member=member)
    for position, reviews in sorted(by_khoi.items()):
        khoi = khois[reviews[0].khoi_id]
        surveyor = member if member is not None and member.khoi_id == khoi.pk else officer
        done = position in POSTED_KHOI or position in VERIFIED_KHOI
        for review in reviews:
            rng = random.Random(f"review-{YEAR}/{review.household.code}")  # noqa: S311 - demo data, not secrets
            figures = survey_figures(rng, review.from_status)
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
            services.meeting_record(
                by=officer,
                campaign=campaign,
                khoi=khoi,
                held_on=MEETING_DAY,
                attendance=attendance,
                votes=votes,
                households_represented=len(reviews),
                chair=f"Trưởng {khoi.name.lower()}",
                secretary=f"Bí thư chi bộ {khoi.name.lower()}",
            )
            services.posting_open(by=officer, campaign=campaign, khoi=khoi, starts_on=POSTING_DAY)
    return {"reviews": campaign.reviews.count()}
