"""reports/selectors.py: the households that decide whether a unit's tables are a job, and the population figures."""

import pytest

from reports import selectors
from reports.models import KhoiPopulation

from ..factories import HouseholdFactory, KhoiFactory

pytestmark = pytest.mark.django_db


def test_a_units_households_are_its_wards_or_those_under_the_upper_unit(world, django_assert_num_queries):
    HouseholdFactory.create_batch(2, khoi=world.hb_k1)
    HouseholdFactory(khoi=world.hb_k2)
    HouseholdFactory(khoi=world.qt_k1)
    HouseholdFactory(khoi=world.other_k1)  # a ward under another upper-level unit
    with django_assert_num_queries(1):
        assert selectors.unit_household_count(level="ward", unit=world.hb) == 3
    with django_assert_num_queries(1):
        assert selectors.unit_household_count(level="upper", unit=world.hb.upper_unit) == 4
    assert selectors.unit_household_count(level="upper", unit=world.other.upper_unit) == 1


def test_the_population_page_rows_are_the_wards_khoi_in_order_with_the_years_figures(world):
    k3 = KhoiFactory(ward=world.hb, name="Khối 3", position=0)  # placed first
    KhoiPopulation.objects.create(khoi=world.hb_k1, year=2025, households=100, persons=400)
    KhoiPopulation.objects.create(khoi=world.hb_k2, year=2024, households=90, persons=350)  # another year
    KhoiPopulation.objects.create(khoi=world.qt_k1, year=2025, households=50, persons=150)  # another ward
    assert selectors.population_khois(ward=world.hb) == [k3, world.hb_k1, world.hb_k2]
    figures = selectors.population_figures(ward=world.hb, year=2025)
    assert {khoi_id: (f.households, f.persons) for khoi_id, f in figures.items()} == {world.hb_k1.pk: (100, 400)}


def test_the_jobs_page_lists_the_users_own_latest_jobs(world, django_assert_num_queries):
    from datetime import timedelta

    from django.utils import timezone

    from reports.models import Job

    officer = world.users["ward_officer_hb"]
    now = timezone.now()
    jobs = [Job.objects.create(user=officer, kind="household_list_pdf") for _ in range(3)]
    for age, job in enumerate(reversed(jobs)):
        Job.objects.filter(pk=job.pk).update(created_at=now - timedelta(minutes=age))
    Job.objects.create(user=world.users["ward_leader_hb"], kind="household_list_pdf")  # the same ward's leader's

    with django_assert_num_queries(1):
        assert selectors.latest_jobs(user=officer) == jobs[::-1]  # the newest first
    assert selectors.latest_jobs(user=officer, limit=2) == [jobs[2], jobs[1]]
    for role in ("admin", "ward_officer_qt", "upper_level", "khoi_member_hb_k1"):
        assert selectors.latest_jobs(user=world.users[role]) == []  # another user's jobs, whoever asks
