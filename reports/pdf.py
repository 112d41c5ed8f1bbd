"""Rendering a template to PDF with WeasyPrint, in the official layout.

One stylesheet (`static/css/document.css`) holds the page, margins, sizes and
the font. The font is Times New Roman when the server has it installed, else
the Liberation Serif shipped in `static/fonts/` (metric-compatible, full
Vietnamese coverage, SIL OFL): the CSS names both in each @font-face, so
WeasyPrint embeds whichever it found and the layout does not move. Documents
fetch nothing but local files: no network access while rendering.
"""

from functools import cache

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from . import layout

DOCUMENT_CSS = "css/document.css"
PDF_CONTENT_TYPE = "application/pdf"


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
    weasyprint, font_configuration = _weasyprint()
    fetcher = weasyprint.URLFetcher(allowed_protocols=["file", "data"])
    fonts = font_configuration()
    stylesheet = weasyprint.CSS(filename=_stylesheet_path(), font_config=fonts, url_fetcher=fetcher)
    document = weasyprint.HTML(string=html, base_url=_stylesheet_path(), url_fetcher=fetcher)
    return document.write_pdf(target, stylesheets=[stylesheet], font_config=fonts)


def render_pdf(template_name: str, context: dict, target=None) -> bytes | None:
    """Render a document template (extending reports/official.html) to PDF, always in Vietnamese."""
    context = {
        "national_title": layout.NATIONAL_TITLE,
        "motto": layout.MOTTO,
        "recipients_label": layout.RECIPIENTS_LABEL,
        **context,
    }
    with translation.override("vi"):
        html = render_to_string(template_name, context)
    return html_to_pdf(html, target)
