"""The program's bench (bench/program.py) on a tiny ward: it runs, the query counts hold, and the
action for a list leaves nothing behind."""

import pytest

from bench import program
from bench.data import ensure_households
from projects.models import Intervention, SupportBatch

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def wards(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    large = ensure_households("BENCH-PL", 150, khoi_count=3, seed=5, province="044")
    small = ensure_households("BENCH-PS", 30, khoi_count=3, seed=6, province="045")
    program.program_plan(large, 400)
    program.program_plan(small, 20, seed=8)
    return large, small


def test_program_bench(wards):
    large, small = wards
    assert Intervention.objects.filter(ward=large.ward).count() == 400
    figure = program.measure_bulk_support(large=large, households=10)
    assert figure.met, figure.measured
    assert not SupportBatch.objects.exists() and Intervention.objects.filter(ward=large.ward).count() == 400
    for kind in ("budgets", "indicators"):
        figure = program.measure_program_page(kind, large=large, small=small, repeat=1)
        assert figure.met, figure.notes
        assert figure.ratio.endswith("×")
