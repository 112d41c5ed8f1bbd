"""An upper-level unit of many generated wards for the consolidated tables (issue 10, "Performance").

Every table of docs/reports.md gets data: households and members (bench/data.py,
COPY on PostgreSQL), a status history (a first registration for most
households, a change of class inside the measured year with its movement for
one in five, none at all for one in fifty, as households saved before the
history was kept), a few members removed after the year (one in two entered by
mistake, who counts on no day), the population
figures of every khối, and a periodic review of the year before, recognised by
decision, with deprivations and causes for every poor and near-poor household.

A ward is generated once and reused: it is complete when it holds its
households and members and its recognition decision, written last in the same
transaction as the rest of its history. Each ward takes its own range of ID
number serials under the unit's province code, so a ward can be regenerated
alone.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction

from households.models import Household, Member, MemberRemoval, StatusChange, UpperUnit, Ward
from households.rules import ChangeReason, Status
from households.vocab import MemberRemovalReason, Movement
from hungbinh.accounts.models import User
from hungbinh.accounts.roles import Role
from reports.models import KhoiPopulation
from reviews.models import Campaign, Cause, Decision, Review, ReviewState
from reviews.selectors import standard_for_status_year

from .data import MEMBERS_PER_HOUSEHOLD, BenchWard, IdNumbers, bench_ward, ensure_households

YEAR = 2025  # the measured period; its classes were set by the periodic review of 2024
DECISION_NUMBER = "BENCH-TH/QĐ-UBND"
KHOI_PER_WARD = 10
SERIALS_PER_WARD = 30_000  # ID number serials per ward and prefix: 30 wards stay under 1,000,000
CLASSES = (Status.POOR, Status.NEAR_POOR, Status.AVERAGE, Status.NOT_POOR)
CAUSES = [value for value, _label in Cause.choices]


@dataclass
class BenchUnit:
    unit: UpperUnit
    wards: list[BenchWard]
    viewer: User  # an upper-level user of the unit
    households: int  # in all its wards

    @property
    def label(self) -> str:
        return f"{len(self.wards)} wards × {self.households // max(len(self.wards), 1):,} households"


def _viewer(unit: UpperUnit) -> User:
    user, made = User.objects.get_or_create(
        username=f"bench_{unit.code.lower()}_upper",
        defaults={"role": Role.UPPER_LEVEL, "upper_unit": unit, "first_name": "Cấp trên"},
    )
    if made:
        user.set_unusable_password()
        user.save()
    return user


def _complete(bench: BenchWard, households: int) -> bool:
    return (
        bench.households == households
        and Member.objects.filter(household__ward=bench.ward).count() == round(households * MEMBERS_PER_HOUSEHOLD)
        and Decision.objects.filter(ward=bench.ward, number=DECISION_NUMBER).exists()
    )


def _clear_reviews(ward) -> None:
    """Reviews protect their households and decisions their campaigns: remove them first."""
    Review.objects.filter(campaign__ward=ward).delete()
    Decision.objects.filter(ward=ward).delete()
    Campaign.objects.filter(ward=ward).delete()


def _park_extra_wards(unit: UpperUnit, wards: int) -> None:
    """Wards of an earlier, larger run leave the unit empty (their ID numbers freed), under a unit of their own."""
    extra = list(unit.wards.order_by("code")[wards:])
    if not extra:
        return
    parking, _made = UpperUnit.objects.get_or_create(
        code=f"{unit.code}-X", defaults={"name": f"Phường đo không dùng ({unit.code})"}
    )
    for ward in extra:
        _clear_reviews(ward)
        Member.objects.filter(household__ward=ward).delete()
        Household.objects.filter(ward=ward).delete()
        Ward.objects.filter(pk=ward.pk).update(upper_unit=parking)


def consolidated_unit(code: str, *, wards: int, households: int, province: str, seed: int = 30) -> BenchUnit:
    """The unit `code` with `wards` wards of `households` households each, generated when missing."""
    if wards * SERIALS_PER_WARD > 1_000_000:
        raise ValueError("at most 33 wards per province code")
    unit, _made = UpperUnit.objects.get_or_create(code=code, defaults={"name": f"Đơn vị tổng hợp {code}"})
    benches, generated = [], False
    _park_extra_wards(unit, wards)
    for index in range(wards):
        ward_code = f"{code}-{index + 1:02d}"
        bench = bench_ward(ward_code, khoi_count=KHOI_PER_WARD, upper_unit=unit)
        if bench.ward.upper_unit_id != unit.pk:  # parked by an earlier run with fewer wards
            Ward.objects.filter(pk=bench.ward.pk).update(upper_unit=unit)
            bench.ward.upper_unit = unit
        if not _complete(bench, households):
            _clear_reviews(bench.ward)
            bench = ensure_households(
                ward_code,
                households,
                khoi_count=KHOI_PER_WARD,
                seed=seed + index,
                id_numbers=IdNumbers(province, start=index * SERIALS_PER_WARD),
                analyze=False,
                upper_unit=unit,
            )
            with transaction.atomic():
                _history(bench, seed=seed + index)
            generated = True
        benches.append(bench)
    if generated and connection.vendor == "postgresql":
        # Fresh statistics, and the visibility map that lets the member counts read the index alone.
        with connection.cursor() as cursor:
            for table in (
                "households_household",
                "households_member",
                "households_statuschange",
                "households_memberremoval",
                "reviews_review",
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")
    return BenchUnit(unit, benches, _viewer(unit), wards * households)


def _movement(before: str, after: str, n: int) -> str:
    """The movement a recognition decision names for a change of class (docs/reviews.md, "Movements")."""
    if after == Status.POOR:
        if before == Status.NEAR_POOR:
            return Movement.NEAR_POOR_TO_POOR
        return Movement.FALLEN_BACK_POOR if n % 2 else Movement.NEW_POOR
    if after == Status.NEAR_POOR:
        if before == Status.POOR:
            return Movement.POOR_TO_NEAR_POOR
        return Movement.FALLEN_BACK_NEAR_POOR if n % 2 else Movement.NEW_NEAR_POOR
    if before == Status.POOR:
        return Movement.ESCAPED_POVERTY
    if before == Status.NEAR_POOR:
        return Movement.ESCAPED_NEAR_POVERTY
    return ""


def _registration(household_id: int, status: str, on: date) -> StatusChange:
    return StatusChange(household_id=household_id, to_status=status, effective_on=on, reason=ChangeReason.REGISTRATION)


def _history(bench: BenchWard, *, seed: int) -> None:
    """Status changes, removals, population figures and the recognised reviews of one ward."""
    rng = random.Random(seed)
    ward = bench.ward
    households = list(Household.objects.filter(ward=ward).order_by("pk").values_list("pk", "khoi_id", "status"))
    StatusChange.objects.filter(household__ward=ward).delete()
    MemberRemoval.objects.filter(household__ward=ward).delete()
    changes, removals, reviews_of = [], [], []
    registered = date(YEAR - 6, 1, 1)
    for n, (pk, khoi_id, status) in enumerate(households):
        if n % 50 == 1:
            pass  # saved before the history was kept: no change at all
        elif n % 5 == 0:
            before = CLASSES[(CLASSES.index(status) + 1 + n % 3) % len(CLASSES)]
            changes.append(_registration(pk, before, registered))
            movement = _movement(before, status, n)
            changes.append(
                StatusChange(
                    household_id=pk,
                    from_status=before,
                    to_status=status,
                    effective_on=date(YEAR, 1, 1) + timedelta(days=n % 360),
                    reason=ChangeReason.DECISION if movement else ChangeReason.CORRECTION,
                    decision_number=DECISION_NUMBER if movement else "",
                    note="" if movement else "Đính chính (dữ liệu đo hiệu năng)",
                    movement=movement,
                )
            )
        else:
            changes.append(_registration(pk, status, registered))
        if n % 100 in (3, 7):
            # A child who moved away, counted on the period's days; one entered by mistake, counted on none.
            mistaken = n % 100 == 7
            removals.append(
                MemberRemoval(
                    household_id=pk,
                    member_id=0,
                    full_name="Người nhập nhầm" if mistaken else "Người đã chuyển đi",
                    birth_date=date(YEAR - 5, 3, 1),
                    gender="female",
                    reason=MemberRemovalReason.ENTERED_BY_MISTAKE if mistaken else MemberRemovalReason.MOVED_AWAY,
                    left_on=date(YEAR + 1, 2, 1),
                )
            )
        if status in (Status.POOR, Status.NEAR_POOR):
            reviews_of.append((n, pk, khoi_id, status))
    StatusChange.objects.bulk_create(changes, batch_size=2000)
    MemberRemoval.objects.bulk_create(removals, batch_size=2000)
    KhoiPopulation.objects.filter(khoi__ward=ward).delete()
    per_khoi = max(bench.households // len(bench.khois), 1)
    KhoiPopulation.objects.bulk_create(
        KhoiPopulation(khoi=khoi, year=year, households=per_khoi * 3, persons=per_khoi * 11)
        for khoi in bench.khois
        for year in range(YEAR - 4, YEAR + 1)
    )
    _recognised_reviews(ward, reviews_of, rng)


def _recognised_reviews(ward, reviews_of, rng) -> None:
    standard = standard_for_status_year(YEAR)
    codes = list(standard.indicators.order_by("order").values_list("code", flat=True))
    campaign = Campaign.objects.create(
        ward=ward,
        kind="periodic",
        year=YEAR - 1,
        starts_on=date(YEAR - 1, 9, 1),
        ends_on=date(YEAR - 1, 12, 15),
        standard=standard,
    )
    decision = Decision.objects.create(
        ward=ward, campaign=campaign, number=DECISION_NUMBER, signed_on=date(YEAR - 1, 12, 20)
    )
    Review.objects.bulk_create(
        (
            Review(
                campaign=campaign,
                household_id=pk,
                khoi_id=khoi_id,
                from_status=status,
                state=ReviewState.RECOGNISED,
                income_per_capita=1_200_000 if status == Status.POOR else 1_800_000,
                proposed_status=status,
                deprivations=rng.sample(codes, k=min(len(codes), (2 if status == Status.POOR else 0) + n % 4)),
                causes=rng.sample(CAUSES, k=1 + n % 3),
                decision=decision,
                closed_on=decision.signed_on,
            )
            for n, pk, khoi_id, status in reviews_of
        ),
        batch_size=2000,
    )
