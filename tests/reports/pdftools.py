"""Reading rendered PDFs back in tests: text with its diacritics, fonts, page sizes."""

import subprocess
from io import BytesIO

from fontTools.ttLib import TTFont
from pypdf import PdfReader

# The fonts a document may embed (docs/documents.md): Times New Roman where installed, else Liberation Serif.
DOCUMENT_FAMILIES = {"Times New Roman", "Liberation Serif"}


def pdf_text(content: bytes, *, first: int | None = None, last: int | None = None, layout=False) -> str:
    """pdftotext's reading of the document (poppler, as a person's viewer reads it)."""
    command = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        command.append("-layout")
    if first:
        command += ["-f", str(first)]
    if last:
        command += ["-l", str(last)]
    result = subprocess.run([*command, "-", "-"], input=content, capture_output=True, check=True)
    return result.stdout.decode()


def flat_text(content: bytes, **pages) -> str:
    """The text with every run of white space as one space: phrases that wrap in a cell still match."""
    return " ".join(pdf_text(content, **pages).split())


def pdf_fonts(content: bytes) -> list[dict]:
    """pdffonts' table: name, type, embedded, subset, unicode map, per font."""
    result = subprocess.run(["pdffonts", "-"], input=content, capture_output=True, check=True)
    lines = result.stdout.decode().splitlines()[2:]
    fonts = []
    for line in lines:
        parts = line.split()
        # name type… encoding emb sub uni object ID: read the yes/no columns from the right.
        fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return fonts


def embedded_families(content: bytes) -> set[str]:
    """The family names written inside the embedded font programs themselves."""
    families = set()
    for page in PdfReader(BytesIO(content)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                program = descriptor.get("/FontFile2")
                if program is not None:
                    names = TTFont(BytesIO(program.get_object().get_data()))["name"]
                    families.add(str(names.getDebugName(1)))
    return families


def word_boxes(content: bytes, page: int) -> list[tuple[str, float, float, float, float]]:
    """pdftotext's words of one page with their boxes in points: (word, x_min, y_min, x_max, y_max)."""
    import re

    command = ["pdftotext", "-enc", "UTF-8", "-bbox", "-f", str(page), "-l", str(page), "-", "-"]
    html = subprocess.run(command, input=content, capture_output=True, check=True).stdout.decode()
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in re.findall(pattern, html)]


def page_sizes(content: bytes) -> list[tuple[int, int]]:
    return [
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in PdfReader(BytesIO(content)).pages
    ]


def layout_row(content: bytes | str, label: str) -> list[str]:
    """The cells after `label` on its line of the laid-out text (a table row read as a person reads it); a test
    that reads many rows of one PDF passes its `pdf_text(content, layout=True)` instead of the PDF."""
    laid_out = content if isinstance(content, str) else pdf_text(content, layout=True)
    for line in laid_out.splitlines():
        cells = line.split()
        words = label.split()
        for i in range(len(cells) - len(words) + 1):
            if cells[i : i + len(words)] == words:
                return cells[i + len(words) :]
    raise AssertionError(f"no line with {label!r}")


TOP_MARGIN = 20 / 25.4 * 72  # the documents' top margin (20 mm), in points


def pages_text(content: bytes) -> list[str]:
    """pdftotext's reading of each page."""
    return [pdf_text(content, first=n, last=n) for n in range(1, len(PdfReader(BytesIO(content)).pages) + 1)]


def top_margin_words(content: bytes, page: int) -> list[tuple[str, float, float]]:
    """The words in a page's top margin, each with its middle across (the page number, centred) and its
    baseline's height, to a tenth of a point."""
    boxes = word_boxes(content, page)
    return [(w, round((x0 + x1) / 2, 1), round(y1, 1)) for w, x0, _y0, x1, y1 in boxes if y1 < TOP_MARGIN]


def assert_same_document(content: bytes, expected: bytes) -> None:
    """`content` reads as `expected` (reports.pdf.render_pdf_in_parts beside render_pdf): the same pages, each
    with the same text and the same words in its top margin, the same fonts all embedded, the same title and
    author, the same named places (the tables' anchors) and the same entries in the document catalog."""
    assert page_sizes(content) == page_sizes(expected)
    assert pages_text(content) == pages_text(expected)
    for page in range(1, len(page_sizes(expected)) + 1):
        assert top_margin_words(content, page) == top_margin_words(expected, page), page
    fonts = pdf_fonts(content)
    assert fonts and all(font["emb"] == "yes" for font in fonts)
    assert {f["name"].split("+")[-1] for f in fonts} == {f["name"].split("+")[-1] for f in pdf_fonts(expected)}
    reader, single = PdfReader(BytesIO(content)), PdfReader(BytesIO(expected))
    assert reader.metadata == single.metadata
    assert set(reader.named_destinations) == set(single.named_destinations)
    assert reader.trailer["/Root"].keys() == single.trailer["/Root"].keys()


# Page sizes in points, as page_sizes() reads them.
A4 = (595, 842)
A4_LANDSCAPE = (842, 595)


def stub_layout(monkeypatch, make=lambda html: b"%PDF-1.7 " + html.encode()) -> None:
    """WeasyPrint's layout left out, for tests of who gets a document, what it lists and its queries: every
    document's template is rendered as usual (with its queries) and its HTML becomes `make(html)`, returned or
    written to the target as reports.pdf.html_to_pdf does. A report long enough to be laid out in parts is laid
    out in one pass instead: its parts would go to WeasyPrint beneath html_to_pdf (pdf._write_pdf), and they make
    the one pass's document (test_pdf.py)."""
    from reports import pdf

    def html_to_pdf(html, target=None):
        content = make(html)
        if target is None:
            return content
        if hasattr(target, "write"):
            target.write(content)
        else:
            with open(target, "wb") as out:
                out.write(content)
        return None

    monkeypatch.setattr(pdf, "html_to_pdf", html_to_pdf)
    monkeypatch.setattr(pdf, "parallel_processes", lambda: 1)


def ngay_apart_from_its_date(content: bytes) -> tuple[int, list[tuple]]:
    """Every "ngày" (or "tháng", "năm") of the text followed by a number, read back with its position: how many,
    and those whose number starts the next line (page, word, number)."""
    pairs, apart = 0, []
    for page in range(1, len(page_sizes(content)) + 1):
        words = word_boxes(content, page)
        for word, following in zip(words, words[1:], strict=False):
            if word[0].lower() in ("ngày", "tháng", "năm") and following[0][:1].isdigit():
                pairs += 1
                if abs(following[2] - word[2]) >= 1:
                    apart.append((page, word[0], following[0]))
    return pairs, apart
