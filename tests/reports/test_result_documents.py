"""reports/result_documents.py render_results_pdf: a large report's tables laid out in parallel, in parts, read
as the one-pass document; a small one, or one where the process cannot fork, in one pass."""

import os
from datetime import date

import pytest

from reports import pdf, result_documents
from reports.models import KhoiPopulation
from reports.periods import parse_period
from reports.result_documents import render_results_pdf, upper_results_report

from ..factories import HouseholdFactory, MemberFactory
from .pdftools import assert_same_document, flat_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(world):
    """The consolidated tables of Hưng Bình's upper-level unit for 2025: poor, near-poor and average households
    in two wards."""
    for khoi, statuses in ((world.hb_k1, ("poor", "poor", "near_poor", "average")), (world.qt_k1, ("poor",))):
        for status in statuses:
            household = HouseholdFactory(khoi=khoi, status=status, status_since=date(2024, 1, 15))
            MemberFactory(household=household)
    KhoiPopulation.objects.create(khoi=world.hb_k1, year=2025, households=100, persons=400)
    return upper_results_report(world.hb.upper_unit, parse_period("2025"))


@pytest.fixture
def spy(monkeypatch):
    """The parts each render_pdf_in_parts was asked for."""
    calls, render = [], pdf.render_pdf_in_parts

    def recorded(template_name, context, parts, target=None, **options):
        calls.append(parts)
        return render(template_name, context, parts, target, **options)

    monkeypatch.setattr(pdf, "render_pdf_in_parts", recorded)
    return calls


@pytest.mark.skipif(not hasattr(os, "fork"), reason="laying out in parts forks")
def test_a_large_report_is_laid_out_in_parts_and_reads_as_one_pass(report, monkeypatch, spy):
    monkeypatch.setattr(result_documents, "PARALLEL_MIN_CELLS", 0)
    monkeypatch.setattr(pdf, "parallel_processes", lambda: 1)
    whole = render_results_pdf(report)
    assert spy == []
    monkeypatch.setattr(pdf, "parallel_processes", lambda: 2)
    joined = render_results_pdf(report)
    [parts] = spy
    assert len(parts) == 2 and [t for p in parts for t in p.tables] == report.tables
    assert_same_document(joined, whole)
    assert "BIỂU TỔNG HỢP KẾT QUẢ RÀ SOÁT" in flat_text(joined, first=1, last=1)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="laying out in parts forks")
def test_the_charts_are_counted_while_the_earlier_tables_are_laid_out(report, monkeypatch):
    """The trend's earlier years are a pass over every household: this process reads them once the process
    laying out the earlier tables has started, and draws the charts in the last part."""
    events, fork, charts = [], os.fork, result_documents.report_charts

    def forked():
        pid = fork()
        if pid:
            events.append("fork")
        return pid

    def counted(*args):
        events.append("charts")
        return charts(*args)

    monkeypatch.setattr(os, "fork", forked)
    monkeypatch.setattr(result_documents, "report_charts", counted)
    monkeypatch.setattr(result_documents, "PARALLEL_MIN_CELLS", 0)
    monkeypatch.setattr(pdf, "parallel_processes", lambda: 2)
    assert render_results_pdf(report).startswith(b"%PDF")
    assert events == ["fork", "charts"]


def test_a_small_report_stays_one_pass(report, monkeypatch, spy):
    monkeypatch.setattr(pdf, "parallel_processes", lambda: 2)
    assert sum(result_documents.table_cells(t) for t in report.tables) < result_documents.PARALLEL_MIN_CELLS
    assert render_results_pdf(report).startswith(b"%PDF")
    assert spy == []
