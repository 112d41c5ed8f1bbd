"""Demo population figures (docs/reports.md): every khối's total households and persons for the
years the demo's reports and their five-year trend cover, so the review-result tables show rates.

Plausible for an urban ward of Vinh (a few hundred households a khối, about 3.7 persons each,
growing a little every year) and never below what the registry holds. Deterministic (seeded by
the ward's code and the khối's position) and idempotent: a khối's year that already has a figure
is left as it is, so a figure a user corrected survives a second run.
"""

import random
from datetime import date

from django.db.models import Count

from households.models import Household, Khoi, Member

FIRST_YEAR = 2021  # the trend of the 2025 reports starts here


def population_years(today: date) -> range:
    # Through 2026 at least: the demo's review campaign sets the classes of 2026.
    return range(FIRST_YEAR, max(today.year, 2026) + 1)


def seed_population_demo(wards, *, by: dict, today: date) -> int:
    """Add the missing KhoiPopulation rows of the wards (`by`: ward id -> its officer); returns how many."""
    from .models import KhoiPopulation

    years = population_years(today)
    khois = list(Khoi.objects.filter(ward__in=wards).select_related("ward").order_by("ward__code", "position"))
    registered = dict(
        Household.objects.filter(khoi__in=khois)
        .order_by()
        .values("khoi_id")
        .annotate(n=Count("pk"))
        .values_list("khoi_id", "n")
    )
    persons_registered = dict(
        Member.objects.filter(household__khoi__in=khois)
        .order_by()
        .values("household__khoi_id")
        .annotate(n=Count("pk"))
        .values_list("household__khoi_id", "n")
    )
    existing = set(KhoiPopulation.objects.filter(khoi__in=khois, year__in=years).values_list("khoi_id", "year"))
    rows = []
    for khoi in khois:
        rng = random.Random(f"{khoi.ward.code}/{khoi.position}")  # noqa: S311 - demo data, not secrets
        households = rng.randint(260, 420)
        for year in years:
            persons = round(households * rng.uniform(3.55, 3.95))
            if (khoi.pk, year) not in existing:
                rows.append(
                    KhoiPopulation(
                        khoi=khoi,
                        year=year,
                        households=max(households, registered.get(khoi.pk, 0)),
                        persons=max(persons, persons_registered.get(khoi.pk, 0), households),
                        updated_by=by.get(khoi.ward_id),
                    )
                )
            households += rng.randint(0, 6)
    KhoiPopulation.objects.bulk_create(rows)
    return len(rows)
