"""`make million` measures the reports app's review-result tables: each of its URLs answers (small data here;
the measurement itself, with EXPLAIN, needs PostgreSQL and runs in `make million`)."""

import pytest
from django.test import override_settings

from bench.million_measure import _client, result_table_pages

from ..factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def test_the_result_tables_measured_by_make_million_answer(world):
    HouseholdFactory(khoi=world.hb_k1, status="poor")
    HouseholdFactory(khoi=world.qt_k1, status="near_poor")
    unit = world.hb.upper_unit
    pages = result_table_pages(
        officer=_client(world.users["ward_officer_hb"]),
        upper_client=_client(world.users["upper_level"]),
        ward=world.hb,
        unit=unit,
        year=2026,
    )
    assert len(pages) == 5
    for name, client, url in pages:
        # As `make million` runs them: the consolidated file built in the request, not as a job.
        with override_settings(REPORT_TABLE_JOB_THRESHOLD=10**9):
            response = client.get(url)
        assert response.status_code == 200, (name, url, response.content[:300])


@pytest.mark.django_db(transaction=True)
def test_the_generator_makes_recognised_reviews_and_population_so_every_table_has_rows():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the million's generator runs inside PostgreSQL (generate_series, COPY-like inserts)")
    from django.utils import timezone

    from bench.million import generate
    from reports.analysis import review_figures, upper_units
    from reports.models import KhoiPopulation
    from reports.periods import Period
    from reviews.models import Review

    plan = generate(3, 600)  # a tiny run: three units of one ward each
    unit, unit_wards = plan[0]
    reviews = Review.objects.filter(campaign__ward__upper_unit=unit)
    assert reviews.exists() and not reviews.exclude(state="recognised").exists()
    assert KhoiPopulation.objects.filter(khoi__ward=unit_wards[0][0]).exists()
    # What the deprivation and cause tables of this year read (`make million` measures this year's tables).
    figures = review_figures(upper_units(unit), Period(timezone.localdate().year, "Y"))
    assert figures.reviews == reviews.count() and any(figures.deprivations.values())
    generate(3, 600)  # a rerun adds nothing
    assert Review.objects.filter(campaign__ward__upper_unit=unit).count() == reviews.count()
