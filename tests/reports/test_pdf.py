"""reports/pdf.py: a long document laid out in parts, in forked processes, is the document of one pass: the same
pages with the same text, its page numbers, its fonts embedded, its title (docs/reports.md, "Speed of the
consolidated documents")."""

import gc
import itertools
import os
import threading
from contextlib import contextmanager
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from reports import layout, pdf
from reports.periods import parse_period
from reports.result_documents import ResultsReport
from reports.tables import HeaderCell, ReportTable, TableRow

from .pdftools import A4_LANDSCAPE, assert_same_document, flat_text, page_sizes, pdf_text, top_margin_words

TEMPLATE = "reports/results_pdf.html"


def table(key: str, rows: int) -> ReportTable:
    values = [[1000 * n + c for c in range(6)] for n in range(rows)]
    return ReportTable(
        key=key,
        title=f"Bảng {key}",
        subtitle="Đến ngày 31/12/2025",
        header_rows=[[HeaderCell("STT"), HeaderCell("Đơn vị"), *(HeaderCell(f"Cột {c}") for c in range(1, 7))]],
        column_numbers=["A", "B", *(str(c) for c in range(1, 7))],
        rows=[TableRow(str(n + 1), f"Phường Số {n + 1}: hộ", v) for n, v in enumerate(values)],
        notes=[f"Ghi chú của bảng {key}."],
    )


@pytest.fixture
def document():
    """A landscape report of five tables, some over two pages: the context of reports/results_pdf.html."""
    doc = layout.OfficialDocument(
        issuer=("PHÒNG NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "THÀNH PHỐ VINH"),
        place="Vinh",
        on=date(2026, 11, 28),
        doc_type="",
        landscape=True,
        title="Kết quả rà soát Phòng Nông nghiệp và Môi trường thành phố Vinh 2025",
    )
    tables = [table("mot", 40), table("hai", 8), table("ba", 35), table("bon", 3), table("nam", 50)]
    report = ResultsReport("upper", 1, "Phòng Nông nghiệp và Môi trường thành phố Vinh", parse_period("2025"), doc,
                           tables, [])  # fmt: skip
    return {"doc": doc, "report": report, "chart_images": []}


def test_split_parts_follow_each_other_the_heaviest_as_light_as_it_can_be():
    parts = pdf.split_parts(list("abcde"), [6, 1, 1, 1, 2], 2)
    assert [p.tables for p in parts] == [["a"], ["b", "c", "d", "e"]]
    assert [(p.first, p.last) for p in parts] == [(True, False), (False, True)]
    parts = pdf.split_parts(list("abcde"), [3, 1, 1, 1, 3], 3)
    assert [p.tables for p in parts] == [["a"], ["b", "c", "d"], ["e"]]
    assert [(p.first, p.last) for p in parts] == [(True, False), (False, False), (False, True)]
    assert [p.tables for p in pdf.split_parts(list("ab"), [1, 1], 4)] == [["a"], ["b"]]
    assert pdf.split_parts(list("ab"), [1, 1], 1) == [pdf.Part(list("ab"), first=True, last=True)]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="laying out in parts forks")
def test_parts_laid_out_in_processes_make_the_document_of_one_pass(document):
    whole = pdf.render_pdf(TEMPLATE, document)
    parts = pdf.split_parts(document["report"].tables, [40, 8, 35, 3, 50], 3)
    assert [len(p.tables) for p in parts] == [1, 3, 1]
    joined = pdf.render_pdf_in_parts(TEMPLATE, document, parts)
    pages = len(page_sizes(whole))
    assert pages >= 6 and set(page_sizes(joined)) == {A4_LANDSCAPE}
    assert_same_document(joined, whole)
    # The heading and title on the first page only; the page numbers from the second page on, centred.
    first = pdf_text(joined, first=1, last=1)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first and "Vinh, ngày 28 tháng 11 năm 2026" in first
    assert "CỘNG HÒA" not in pdf_text(joined, first=2)
    assert top_margin_words(joined, 1) == []
    for page in range(2, pages + 1):
        [(number, middle, _bottom)] = top_margin_words(joined, page)
        assert number == str(page) and middle == pytest.approx(30 / 25.4 * 72 + (842 - 45 / 25.4 * 72) / 2, abs=1)
    assert "Counted" not in pdf_text(joined) and "Tổng hợp từ sổ theo dõi hộ ngày" in flat_text(joined, first=pages)
    assert PdfReader(BytesIO(joined)).metadata.title == document["doc"].title


@pytest.mark.skipif(not hasattr(os, "fork"), reason="laying out in parts forks")
def test_a_part_whose_process_failed_is_laid_out_again_here(document, monkeypatch, caplog, tmp_path):
    parent, write = os.getpid(), pdf._write_pdf

    def fails_in_a_child(html, target=None, **options):
        if os.getpid() != parent and "table-ba" in html:
            raise RuntimeError("out of memory")
        return write(html, target, **options)

    monkeypatch.setattr(pdf, "_write_pdf", fails_in_a_child)
    parts = pdf.split_parts(document["report"].tables, [1] * 5, 3)
    target = tmp_path / "joined.pdf"
    assert pdf.render_pdf_in_parts(TEMPLATE, document, parts, target) is None
    assert_same_document(target.read_bytes(), pdf.render_pdf(TEMPLATE, document))
    assert "Part 1 of 3 of a PDF failed in its own process" in caplog.text


@pytest.mark.skipif(not hasattr(os, "fork"), reason="laying out in parts forks")
def test_the_copies_never_collect_what_they_inherited(document, monkeypatch):
    """Everything this process holds is frozen out of the garbage collector while it forks (a copy would run
    an inherited object's finalizer on what the two share), and collected again here afterwards."""
    frozen, fork = [], os.fork

    def forked():
        frozen.append(gc.get_freeze_count())
        return fork()

    monkeypatch.setattr(os, "fork", forked)
    parts = pdf.split_parts(document["report"].tables, [1] * 5, 3)
    assert pdf.render_pdf_in_parts(TEMPLATE, document, parts).startswith(b"%PDF")
    assert len(frozen) == 2 and all(count > 1000 for count in frozen)
    assert gc.get_freeze_count() == 0


def test_one_part_is_render_pdf(document, monkeypatch):
    monkeypatch.setattr(pdf, "html_parts_to_pdf", lambda *a: pytest.fail("forked for one part"))
    parts = pdf.split_parts(document["report"].tables, [1] * 5, 1)
    assert pdf.render_pdf_in_parts(TEMPLATE, document, parts).startswith(b"%PDF")


@pytest.fixture
def two_free_cores(monkeypatch):
    """A machine of two cores that nothing else keeps busy: whatever runs beside the test does not count."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(pdf, "busy_cores", lambda: 0)


@contextmanager
def another_thread_in_weasyprint():
    """Another thread of this process inside WeasyPrint (as a second request or job laying out its PDF) until the
    block leaves."""
    inside, leave = threading.Event(), threading.Event()

    def lay_out():
        with pdf._in_weasyprint():
            inside.set()
            leave.wait()

    thread = threading.Thread(target=lay_out)
    thread.start()
    try:
        inside.wait()
        yield
    finally:
        leave.set()
        thread.join()


@pytest.fixture
def inside_weasyprint():
    """Another thread inside WeasyPrint until the test leaves."""
    with another_thread_in_weasyprint():
        yield


def test_threads_that_lay_out_no_pdf_leave_the_parts_on(two_free_cores):
    """A worker's heartbeat or timer thread, a server's other threads: none holds a lock of pango or fontconfig."""
    running, stop = threading.Event(), threading.Event()
    thread = threading.Thread(target=lambda: (running.set(), stop.wait()))
    thread.start()
    try:
        running.wait()
        assert pdf.parallel_processes() == 2
    finally:
        stop.set()
        thread.join()


def test_no_fork_while_another_thread_is_inside_weasyprint(two_free_cores, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(os, "fork", lambda: pytest.fail("forked while another thread was inside WeasyPrint"))
        with pdf._in_weasyprint():  # this thread's own layout does not count
            assert pdf.parallel_processes() == 2
        with another_thread_in_weasyprint():
            assert pdf.parallel_processes() == 1
            assert pdf._fork_alone() is None
    assert pdf.parallel_processes() == 2


@pytest.mark.skipif(not hasattr(os, "fork"), reason="laying out in parts forks")
def test_parts_are_laid_out_here_when_another_thread_went_into_weasyprint_after_the_split(
    document, monkeypatch, caplog, inside_weasyprint
):
    """parallel_processes() answered before the other thread went in: each part is checked again as it forks."""
    whole = pdf.render_pdf(TEMPLATE, document)
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked while another thread was inside WeasyPrint"))
    parts = pdf.split_parts(document["report"].tables, [40, 8, 35, 3, 50], 3)
    assert_same_document(pdf.render_pdf_in_parts(TEMPLATE, document, parts), whole)
    assert "failed in its own process" not in caplog.text


def test_no_more_processes_than_the_cores_other_work_leaves_free(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    # Another big document's two processes: two cores left; the least of the readings, a blip does not count.
    readings = itertools.cycle([5, 3, 4])
    monkeypatch.setattr(pdf, "_runnable", lambda: next(readings))
    assert pdf.busy_cores() == 2
    assert pdf.parallel_processes() == 2
    for busy, processes in ((0, 4), (1, 3), (3, 1), (9, 1)):
        monkeypatch.setattr(pdf, "busy_cores", lambda busy=busy: busy)
        assert pdf.parallel_processes() == processes


def test_the_busy_cores_are_read_from_the_system(monkeypatch, tmp_path):
    loadavg = tmp_path / "loadavg"
    loadavg.write_text("2.69 2.38 1.22 3/154 25769\n")  # this process and two others running
    monkeypatch.setattr(pdf, "LOADAVG", str(loadavg))
    assert pdf.busy_cores() == 2
    monkeypatch.setattr(pdf, "LOADAVG", str(tmp_path / "none"))  # not Linux: the cores alone
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert pdf.busy_cores() is None and pdf.parallel_processes() == 2


def test_no_fork_on_a_system_without_it(two_free_cores, monkeypatch):
    monkeypatch.delattr(os, "fork", raising=False)
    assert pdf.parallel_processes() == 1
