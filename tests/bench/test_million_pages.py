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
