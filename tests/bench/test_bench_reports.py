"""The reports' bench (bench/reports.py) on tiny wards: it runs and the query counts hold."""

import pytest

from bench import reports
from bench.data import ensure_households

pytestmark = pytest.mark.django_db(transaction=True)


def test_reports_bench(settings, catalogue):
    large = ensure_households("BENCH-RL", 120, khoi_count=3, seed=5, province="044")
    small = ensure_households("BENCH-RS2", 20, khoi_count=3, seed=6, province="045")
    figure = reports.measure_progress(ward=large, small=small, repeat=1)
    assert figure.met, (figure.measured, figure.notes)
    figure = reports.measure_results_tables(ward=large, repeat=1)
    assert figure.met, (figure.measured, figure.notes)
