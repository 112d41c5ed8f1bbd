"""The export's and the documents' measurements (bench/measure.py, bench/documents.py) on the smoke tests'
tiny dataset: every measurement runs against the real endpoints.

Transactional, unlike test_bench_smoke.py's shared wards: the large lists go through jobs, which start when
their row is committed, and on PostgreSQL the memory measurement's child process reads the database itself.
"""

import pytest

from bench import documents, measure

from .test_bench_smoke import make_wards

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def wards(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    return make_wards()


def test_export_measurement(wards):
    large, _small = wards
    figure = measure.measure_export(large=large, repeat=1)
    assert figure.met is not None, figure.notes
    assert f"{200 + 700:,} rows" in " ".join(figure.notes)


def test_document_measurements(wards, settings, tmp_path, catalogue):
    from django.db import connection

    settings.MEDIA_ROOT = tmp_path
    settings.REPORT_JOB_THRESHOLD = 45  # the small ward (40) at once, a large khối (50) as a job
    large, small = wards
    figure = documents.measure_pdf_list(ward=small, repeat=1)
    assert figure.ratio and figure.met is not None, figure.notes
    with open(tmp_path / "bare.pdf", "wb") as output:
        assert documents.bare_pdf(small.ward.pk, output) == 40
    figure = documents.measure_excel_job(large=large, repeat=1)
    assert figure.ratio and not figure.notes[1:], figure.notes
    if connection.vendor == "postgresql":  # the child process needs a database it can open itself
        figure = documents.measure_pdf_memory(large=large, rows=30)
        assert "MiB peak RSS" in figure.measured
    figure = documents.measure_plan_pdf(ward=small, repeat=1)
    assert figure.measured.endswith(" s") and figure.met is not None
