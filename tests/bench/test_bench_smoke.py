"""The benchmark's code on a tiny dataset, so that `make bench` cannot rot between runs.

Timings here mean nothing; what is checked is that every measurement runs and
reports against the real endpoints, and that the generator writes what it says.
The two wards are generated once for the module (module_wards, in a transaction held
for the module); each test reads them in a savepoint of its own, rolled back after it.
The export's and the documents' measurements, which need committed rows, are in
test_bench_documents.py.
"""

import pytest

from bench import measure, run
from bench.data import MEMBERS_PER_HOUSEHOLD, ensure_households
from households.models import Household, Member
from households.rules import id_number_problems

from ..conftest import held_transaction

pytestmark = pytest.mark.django_db


def make_wards():
    large = ensure_households("BENCH-L", 200, khoi_count=4, seed=1)
    small = ensure_households("BENCH-S", 40, khoi_count=2, seed=2, province="041")
    return large, small


@pytest.fixture(scope="module")
def module_wards(django_db_setup, django_db_blocker):
    yield from held_transaction(django_db_blocker, make_wards)


@pytest.fixture
def wards(module_wards, db, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    return module_wards


def test_generator_writes_valid_households_and_reuses_them(wards):
    large, _small = wards
    assert Household.objects.filter(ward=large.ward).count() == 200
    members = Member.objects.filter(household__ward=large.ward)
    assert members.count() == 200 * MEMBERS_PER_HOUSEHOLD
    assert set(Household.objects.filter(ward=large.ward).values_list("status", flat=True)) == {
        "poor",
        "near_poor",
        "average",
        "not_poor",
    }
    for member in members.exclude(id_number="")[:50]:
        assert id_number_problems(member.id_number, birth_date=member.birth_date, gender=member.gender) == []
    household = Household.objects.filter(ward=large.ward).first()
    first_pk = household.pk
    assert household.search_text and household.name_key
    # Same count: reused, not regenerated.
    ensure_households("BENCH-L", 200, khoi_count=4, seed=1)
    assert Household.objects.filter(ward=large.ward).first().pk == first_pk


@pytest.mark.parametrize("kind", ["api", "html"])
def test_page_measurement_matches_the_raw_query(wards, kind):
    large, small = wards
    figure = measure.measure_page(kind, large=large, small=small, repeat=1)
    assert figure.met is not None, figure.notes
    assert figure.ratio.endswith("×")
    # The endpoint shows exactly the raw query's rows, with the same queries for both sizes.
    assert not any("differs" in note or "not on the page" in note for note in figure.notes), figure.notes
    counts = figure.notes[-1]
    assert "queries:" in counts
    small_count, large_count = (part.split(" with ")[0].split()[-1] for part in counts.split(", ")[-2:])
    assert small_count == large_count


def test_bare_export_writes_the_same_rows(wards, tmp_path):
    large, _small = wards
    assert measure.bare_export(large.ward.pk, tmp_path / "bare.xlsx") == 200 + 700


def test_a_timed_download_keeps_the_database_connection(wards, monkeypatch):
    """The export (measure.app_export) and the documents' downloads (bench.reports._download) closed the test
    client's response after the client had closed it: the second close ended the request again, whose
    close_old_connections closed the database connection, so every timed download paid a reconnect (and, in this
    module's held transaction, lost it on PostgreSQL). The connection is the same before and after, and no end
    of a request reaches it."""
    from django.db import connections

    from bench.reports import _download

    large, _small = wards
    database = connections["default"]
    database.ensure_connection()
    before = database.connection
    ended = []
    # Recorded, not run: under this module's transaction a real close would break the tests after this one.
    monkeypatch.setattr(database, "close_if_unusable_or_obsolete", lambda: ended.append("request ended"))
    client = measure._client(large.officer)
    query = f"?khoi={large.khois[0].pk}"
    assert measure.app_export(client, query) > 0
    assert _download(client, f"/reports/households.xlsx{query}")[0] > 0
    assert ended == [] and database.connection is before


def test_import_measurement_and_workbook(wards):
    figure = measure.measure_import(count=30, repeat=1)
    assert figure.met is not None, figure.notes
    assert "created 30 households and 105 members; errors 0" in figure.notes, figure.notes
    assert any("nothing written" in note for note in figure.notes)


def test_report_table_and_machine():
    figure = measure.Figure("x", measured="1 ms", baseline="1 ms", ratio="1.00×", goal="≤ 3×", met=True)
    missing = measure.Figure("y", goal="g")
    text = run.table([figure, missing])
    assert "| x | 1 ms | 1 ms | 1.00× | ≤ 3× | yes |" in text
    assert "| y | – | – | – | g | not available |" in text
    assert run.machine()["Python"]
