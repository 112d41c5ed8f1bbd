"""The program's demo data (projects/demo.py): its indicators take their numbers from the demo registry."""

from datetime import date
from decimal import Decimal

import pytest

from households.models import StatusChange
from projects.demo import _indicators
from projects.models import Indicator
from reports.models import KhoiPopulation
from reports.periods import parse_period
from reports.progress import _classes_table

from ..factories import HouseholdFactory, PlanFactory

pytestmark = pytest.mark.django_db


def changed(household, *changes):
    for from_status, to_status, on in changes:
        StatusChange.objects.create(
            household=household,
            from_status=from_status,
            to_status=to_status,
            effective_on=on,
            reason="decision" if from_status else "registration",
            decision_number="245/QĐ-UBND" if from_status else "",
        )


def test_the_poverty_rates_baseline_is_the_registrys_rate_at_the_start_of_the_year(world, catalogue):
    """The baseline was made up (today's poor households and one in ten more); it is the share of the year's
    households that were poor on 31/12/2024 by their history, the start the year's progress report counts."""
    k1, k2 = world.hb_k1, world.hb_k2
    HouseholdFactory(khoi=k1, status="poor", status_since=date(2023, 3, 1))  # poor all along
    escaped = HouseholdFactory(khoi=k1, status="near_poor", status_since=date(2025, 11, 24))
    changed(escaped, ("", "poor", date(2022, 5, 1)), ("poor", "near_poor", date(2025, 11, 24)))
    fell = HouseholdFactory(khoi=k2, status="poor", status_since=date(2025, 6, 10))
    changed(fell, ("", "near_poor", date(2021, 4, 1)), ("near_poor", "poor", date(2025, 6, 10)))
    HouseholdFactory(khoi=k2, status="poor", status_since=date(2025, 3, 1))  # on the registry since March 2025
    KhoiPopulation.objects.create(khoi=k1, year=2025, households=120, persons=400)
    KhoiPopulation.objects.create(khoi=k2, year=2025, households=80, persons=300)
    plan = PlanFactory(ward=world.hb, year=2025, state="issued", issued_on=date(2025, 5, 30))

    _indicators(plan)

    rate = Indicator.objects.get(plan=plan, source="poor_rate")
    fall = Indicator.objects.get(plan=plan, source="poor_rate_reduction")
    assert rate.households_total == fall.households_total == 200
    # Two of the 200 were poor on 31/12/2024 (three are poor now: 1.5 %).
    assert rate.baseline == fall.baseline == Decimal("1.0")
    # The progress report of 2025 counts the same start: its classes table's total row.
    total = _classes_table(world.hb, parse_period("2025")).rows[-1].values
    assert total[:3] == [200, 2, Decimal("1.0")]
    # Indicators of other sources have no baseline of their own.
    assert not Indicator.objects.filter(plan=plan, baseline__isnull=False).exclude(pk__in=[rate.pk, fall.pk]).exists()
