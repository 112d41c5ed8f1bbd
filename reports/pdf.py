"""Rendering a template to PDF with WeasyPrint, in the official layout.

One stylesheet (`static/css/document.css`) holds the page, margins, sizes and
the font. The font is Times New Roman when the server has it installed, else
the Liberation Serif shipped in `static/fonts/` (metric-compatible, full
Vietnamese coverage, SIL OFL): the CSS names both in each @font-face, so
WeasyPrint embeds whichever it found and the layout does not move. Documents
fetch nothing but local files: no network access while rendering.
"""

import gc
import itertools
import logging
import os
import signal
import tempfile
import threading
import time
import traceback
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from io import BytesIO

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from . import layout

DOCUMENT_CSS = "css/document.css"
PDF_CONTENT_TYPE = "application/pdf"
logger = logging.getLogger(__name__)


class RenderingUnavailable(RuntimeError):
    """WeasyPrint's system libraries (pango) are missing; the reason names the package."""

    @property
    def message(self) -> str:
        """What the user is told, by a download (503) and by a job alike."""
        return _("PDF documents cannot be made on this server yet: %(reason)s") % {"reason": self}


@cache
def _weasyprint():
    try:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration
    except OSError as error:  # the Python package is there, the pango library is not
        raise RenderingUnavailable(
            "PDF rendering needs the pango library: apt-get install libpango-1.0-0 libpangoft2-1.0-0"
        ) from error
    return weasyprint, FontConfiguration


def check_available() -> str | None:
    """None when PDFs can be rendered, else the one line that says what to install."""
    try:
        with _in_weasyprint():
            _weasyprint()
    except RenderingUnavailable as error:
        return str(error)
    return None


@cache
def _stylesheet_path() -> str:
    path = finders.find(DOCUMENT_CSS)
    if not path:
        raise RenderingUnavailable(f"The document stylesheet static/{DOCUMENT_CSS} is missing.")
    return path


def html_to_pdf(html: str, target=None) -> bytes | None:
    """The PDF of `html` in the document layout: bytes, or written to `target` (a path or binary file)."""
    return _write_pdf(html, target)


def _render_html(template_name: str, context: dict) -> str:
    context = {
        "national_title": layout.NATIONAL_TITLE,
        "motto": layout.MOTTO,
        "recipients_label": layout.RECIPIENTS_LABEL,
        **context,
    }
    with translation.override("vi"):
        return render_to_string(template_name, context)


def render_pdf(template_name: str, context: dict, target=None) -> bytes | None:
    """Render a document template (extending reports/official.html) to PDF, always in Vietnamese."""
    return html_to_pdf(_render_html(template_name, context), target)


# A part's pages without what the page margins hold (the page numbers): the stamp adds it to the joined pages.
_MARGIN_BOXES = [
    f"{side}-{place}"
    for side, places in (
        ("top", ("left-corner", "left", "center", "right", "right-corner")),
        ("bottom", ("left-corner", "left", "center", "right", "right-corner")),
        ("left", ("top", "middle", "bottom")),
        ("right", ("top", "middle", "bottom")),
    )
    for place in places
]
WITHOUT_MARGINS_CSS = "@page { " + " ".join(f"@{box} {{ content: none !important; }}" for box in _MARGIN_BOXES) + " }"
MARGINS_FORM = "/PageMargins"  # the stamp of a page's margins, among the page's forms


def _write_pdf(html: str, target=None, *, margins=True) -> bytes | None:
    with _in_weasyprint():
        weasyprint, font_configuration = _weasyprint()
        fetcher = weasyprint.URLFetcher(allowed_protocols=["file", "data"])
        fonts = font_configuration()
        stylesheets = [weasyprint.CSS(filename=_stylesheet_path(), font_config=fonts, url_fetcher=fetcher)]
        if not margins:
            stylesheets.append(weasyprint.CSS(string=WITHOUT_MARGINS_CSS, font_config=fonts, url_fetcher=fetcher))
        document = weasyprint.HTML(string=html, base_url=_stylesheet_path(), url_fetcher=fetcher)
        return document.write_pdf(target, stylesheets=stylesheets, font_config=fonts)


# The threads of this process inside WeasyPrint now (ident: depth). A forked copy has only the thread that forked:
# a lock of pango, fontconfig or harfbuzz that another thread held at that moment stays held in the copy for
# ever, and the copy's layout would wait on it. So a process forks its parts only while no other thread is in
# there, and holds `_inside_lock` while it forks, so that none can go in meanwhile (docs/documents.md, "Long
# reports in parts"). Threads that never lay out a PDF (a worker's timers, a server's other threads) do not count.
_inside: Counter = Counter()
_inside_lock = threading.Lock()


@contextmanager
def _in_weasyprint():
    me = threading.get_ident()
    with _inside_lock:
        _inside[me] += 1
    try:
        yield
    finally:
        with _inside_lock:
            _inside[me] -= 1
            if not _inside[me]:
                del _inside[me]


def _others_in_weasyprint() -> bool:
    me = threading.get_ident()
    return any(ident != me for ident in _inside)


def _fork_alone() -> int | None:
    """os.fork(), unless another thread of this process is inside WeasyPrint (None then, and nothing forked).
    The copy leaves the `with` as the parent does, so each releases its own copy of the lock."""
    with _inside_lock:
        if _others_in_weasyprint():
            return None
        return os.fork()


# Linux's count of the machine's runnable threads, read LOAD_READINGS times a few milliseconds apart: the least
# reading counts, so that a moment's blip (a request, a database's background writer) does not keep a long
# document from its cores.
LOADAVG = "/proc/loadavg"
LOAD_READINGS = 3


def _runnable() -> int:
    """The threads running or waiting for a core now, on the whole machine, the one reading among them."""
    with open(LOADAVG) as loadavg:
        return int(loadavg.read().split()[3].split("/")[0])


def busy_cores() -> int | None:
    """How many cores other work keeps busy now: another document's layout processes, a workbook being written,
    a database backend counting: each keeps one. None where the system does not say."""
    readings = []
    try:
        for reading in range(LOAD_READINGS):
            if reading:
                time.sleep(0.01)
            readings.append(_runnable())
    except (OSError, ValueError, IndexError):
        return None
    return max(min(readings) - 1, 0)


def parallel_processes() -> int:
    """How many processes may lay out the parts of one document at once: the cores this process may use that
    other work does not keep busy now (`busy_cores`; at least 1); 1 where it cannot fork safely (no fork on the
    system, or another thread of this process inside WeasyPrint, `_fork_alone`)."""
    if not hasattr(os, "fork"):
        return 1
    with _inside_lock:
        if _others_in_weasyprint():
            return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    busy = busy_cores()
    return cores if busy is None else max(cores - busy, 1)


def html_parts_to_pdf(parts: list, target=None) -> bytes | None:
    """One PDF of `parts`, HTML documents that follow each other, each beginning on a new page (the pages a
    single document would break to anyway): each part is laid out in a process of its own, forked, at the same
    time (WeasyPrint holds the interpreter lock for a whole layout, so threads would not overlap), without
    what its page margins hold; the files are joined and every page's margins (the page number) are stamped
    from one small document of as many pages in the same stylesheet, so the pages read as render_pdf's.

    This process lays out one part itself: the one given as a function that makes its HTML (called once the
    other parts' processes have started, so that what it reads from the database is read while they lay out),
    else the first. A part whose process failed, or that could not fork (another thread had gone into
    WeasyPrint, `_fork_alone`), is laid out here after the others. The forked processes get
    their part as text and touch neither the database nor anything else they inherited: they write their file
    and leave with os._exit, which runs no clean-up of the copies."""
    from pypdf import PdfReader, PdfWriter

    files = _parts_in_processes(parts)
    writer = PdfWriter(clone_from=PdfReader(BytesIO(files[0])))
    for content in files[1:]:
        writer.append(PdfReader(BytesIO(content)))
    _stamp_margins(writer)
    root = writer.root_object
    if "/Outlines" in root and "/First" not in root["/Outlines"]:  # no bookmarks, as render_pdf's file has none
        del root["/Outlines"]
    if target is None:
        output = BytesIO()
        writer.write(output)
        return output.getvalue()
    writer.write(target)
    return None


def _parts_in_processes(parts: list) -> list[bytes]:
    files: list[bytes | None] = [None] * len(parts)
    own = next((index for index, part in enumerate(parts) if callable(part)), 0)
    children, here = {}, set()
    with _in_weasyprint():  # imported here, once, not in each copy (nor in a copy while another thread imports it)
        _weasyprint()
    with tempfile.TemporaryDirectory(prefix="pdf-parts-") as folder:
        try:
            # What this process holds is left out of the copies' garbage collections: they never walk it (nor
            # copy its pages to change its collection counts), and never collect an object they inherited, whose
            # finalizer (a database cursor's, a file's) would act on what they share with this process.
            gc.freeze()
            try:
                for index, html in enumerate(parts):
                    if index == own:
                        continue
                    path = os.path.join(folder, f"{index}.pdf")
                    pid = _fork_alone()
                    if pid is None:  # another thread went into WeasyPrint since parallel_processes(): laid out here
                        here.add(index)
                        continue
                    if pid == 0:  # the copy: lay out the part, write it, leave without any clean-up
                        _part_in_copy(html, path)
                    children[pid] = (index, path)
            finally:
                gc.unfreeze()
            html = parts[own]() if callable(parts[own]) else parts[own]
            files[own] = _write_pdf(html, margins=False)
            for pid in list(children):
                _pid, status = os.waitpid(pid, 0)
                index, path = children.pop(pid)
                if os.waitstatus_to_exitcode(status) == 0:
                    with open(path, "rb") as done:
                        files[index] = done.read()
        finally:
            for pid in children:  # this process failed while its copies ran: stop them, leave no zombie
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
    for index, content in enumerate(files):
        if content is None:
            if index not in here:
                logger.warning(
                    "Part %d of %d of a PDF failed in its own process; laid out again here.", index, len(parts)
                )
            files[index] = _write_pdf(parts[index], margins=False)
    return files


def _part_in_copy(html: str, path: str) -> None:
    code = 1
    try:
        _write_pdf(html, path, margins=False)
        code = 0
    except BaseException:
        # Straight to the file descriptor: sys.stderr's lock may be held by a thread of the parent.
        os.write(2, traceback.format_exc().encode())
    finally:
        os._exit(code)


def _stamp_margins(writer) -> None:
    """Every page's margin boxes (the page number from the second page on) drawn over the joined pages: the
    stylesheet's own @page rules laid out over empty pages of the same sizes (landscape ones named `wide`).
    Each stamp page becomes a form (its content stream as it came, with its own resources, so that no name
    clashes with the page's) drawn after the page's own content, whose graphics state is saved before it and
    restored after. Only pypdf's public API: the form is the stamp's stream cloned into the joined file, and
    the page's content is replaced whole (inflated and deflated again, not parsed: 0.6 ms a page)."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, StreamObject

    pages = writer.pages
    blank = "".join(
        '<div class="stamp-page%s"></div>' % (" wide" if page.mediabox.width > page.mediabox.height else "")
        for page in pages
    )
    html = (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><style>'
        ".stamp-page + .stamp-page { break-before: page; } .stamp-page.wide { page: wide; }"
        f"</style></head><body>{blank}</body></html>"
    )
    stamps = PdfReader(BytesIO(_write_pdf(html))).pages
    if len(stamps) != len(pages):
        raise RuntimeError(f"The page numbers came to {len(stamps)} pages for {len(pages)}.")
    draw = b"\nQ\nq\n%s Do\nQ\n" % MARGINS_FORM.encode()
    for page, stamp in zip(pages, stamps, strict=True):
        if [float(x) for x in page.mediabox] != [float(x) for x in stamp.mediabox]:
            raise RuntimeError("A page's margins came to another size than the page.")
        if "/Contents" not in stamp:  # nothing in this page's margins
            continue
        stream = stamp.raw_get("/Contents").get_object()
        if not isinstance(stream, StreamObject):
            raise RuntimeError("A page's margins came in more than one content stream.")
        form = stream.clone(writer)
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(stamp.mediabox),
                NameObject("/Resources"): stamp.get("/Resources", DictionaryObject()).get_object().clone(writer),
            }
        )
        resources = DictionaryObject(page["/Resources"].get_object())  # shared by the pages: each its own
        forms = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
        forms[NameObject(MARGINS_FORM)] = form.indirect_reference
        resources[NameObject("/XObject")] = forms
        page[NameObject("/Resources")] = resources
        content = DecodedStreamObject()
        own = page.get_contents()
        content.set_data(b"q\n" + (own.get_data() if own is not None else b"") + draw)
        page.replace_contents(content.flate_encode())


@dataclass(frozen=True)
class Part:
    """A run of a document's tables laid out on its own (`render_pdf_in_parts`), as the template sees it in
    `part`: reports/official.html writes the heading and title in the first part only and the closing in the
    last; reports/includes/report_sections.html writes these tables, the first on a new page unless the part
    is the first."""

    tables: list
    first: bool
    last: bool


def split_parts(tables: list, weights: list[float], count: int) -> list[Part]:
    """`tables` in at most `count` runs that follow each other, the heaviest run as light as it can be (the
    weight of a table: what its layout costs, roughly)."""
    count = max(1, min(count, len(tables)))
    best = None
    for cuts in itertools.combinations(range(1, len(tables)), count - 1):
        bounds = (0, *cuts, len(tables))
        heaviest = max(sum(weights[a:b]) for a, b in itertools.pairwise(bounds))
        if best is None or heaviest < best[0]:
            best = (heaviest, bounds)
    runs = list(itertools.pairwise(best[1]))
    return [Part(tables[a:b], first=i == 0, last=i == len(runs) - 1) for i, (a, b) in enumerate(runs)]


def render_pdf_in_parts(
    template_name: str, context: dict, parts: list[Part], target=None, *, last_context=None
) -> bytes | None:
    """render_pdf's document, its parts laid out at once in processes of their own (`html_parts_to_pdf`): the
    same pages, the same text, the same page numbers. The HTML of every part but the last is made here before
    any process starts, from data already read: a forked process never touches the database. `last_context`,
    a function, gives what only the last part shows (a report's charts): called here once the other parts'
    processes have started, its queries run while they lay out, and this process lays the last part out."""
    if len(parts) == 1:
        return render_pdf(template_name, {**context, **(last_context() if last_context else {})}, target)
    htmls = [_render_html(template_name, {**context, "part": part}) for part in parts[:-1]]

    def last() -> str:
        return _render_html(template_name, {**context, **(last_context() if last_context else {}), "part": parts[-1]})

    return html_parts_to_pdf([*htmls, last], target)
