"""Charts of the reports drawn on the server as SVG with pygal (docs/reports.md, "Charts").

The same SVG is served to the page (`<img src="…svg">`, so no script of it
ever runs and no CDN is asked) and embedded in the PDF as a data URL. pygal's
own script links are switched off (`js=[]`).
"""

import base64
import re
from datetime import date

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

from households.rules import Status

from .periods import Period
from .results import ResultsTable, class_totals

FONT = "'Times New Roman', 'Liberation Serif', 'DejaVu Serif', serif"
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#222222",
    foreground_strong="#000000",
    foreground_subtle="#888888",
    colors=("#b3261e", "#c77c02", "#2e7d32"),
    font_family=FONT,
    label_font_family=FONT,
    major_label_font_family=FONT,
    value_font_family=FONT,
    value_label_font_family=FONT,
    title_font_family=FONT,
    legend_font_family=FONT,
    tooltip_font_family=FONT,
    title_font_size=18,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    value_font_size=12,
    # Light guides: the printed values stand on them, and black dashes crossed the figures.
    guide_stroke_color="#c8c8c8",
    major_guide_stroke_color="#c8c8c8",
)
TREND_YEARS = 5
SCRIPT = re.compile(r"<script.*?</script>", re.S)


def _render(chart) -> str:
    """The SVG without pygal's configuration script: nothing in it runs, on the page or in the PDF."""
    return SCRIPT.sub("", chart.render(is_unicode=True))


def _config(title: str) -> dict:
    return {
        "title": title,
        "style": STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "width": 900,
        "height": 420,
        "legend_at_bottom": True,
        "print_values": True,
        "value_formatter": lambda v: "" if v is None else f"{v:.1f}".replace(".", ","),
        "y_title": "%",
        "show_y_guides": True,
        "truncate_label": -1,
    }


# What a label takes along the x axis: about 0.6 of the font size per character (Times New Roman), and the
# width pygal leaves the plot of a 900-wide chart.
LABEL_CHAR_WIDTH = 0.6 * STYLE.label_font_size
PLOT_WIDTH = 790


def x_label_rotation(labels: list[str]) -> int:
    """Turned 30° when the labels side by side would run into each other (15 khối and the ward's total did:
    "Khối 15" and "Toàn phường" printed over each other); level when they fit their slot."""
    if not labels:
        return 0
    slot = PLOT_WIDTH / len(labels)
    return 30 if max(len(label) for label in labels) * LABEL_CHAR_WIDTH > 0.9 * slot else 0


def rates_chart(table: ResultsTable) -> str:
    """The poverty and near-poverty rates of each khối (or ward): a bar pair per unit; no bar without a figure."""
    labels = [row.label for row in table.rows] + [table.total.label]
    config = _config(_("Poverty and near-poverty rates, %(period)s") % {"period": table.period.label})
    chart = pygal.Bar(**config, x_label_rotation=x_label_rotation(labels))
    chart.x_labels = labels
    rows = [*table.rows, table.total]
    poor = [row.columns[3] for row in rows]
    near = [row.columns[5] for row in rows]
    chart.add(_("Poverty rate (%)"), [None if v is None else float(v) for v in poor])
    chart.add(_("Near-poverty rate (%)"), [None if v is None else float(v) for v in near])
    return _render(chart)


def trend_points(
    households, population_by_year: dict[int, int | None], period: Period, group_by: str = "ward_id"
) -> list[tuple[int, float | None, float | None]]:
    """(year, poverty rate, near-poverty rate) for the last years up to the period: one query for every year
    not counted already (`class_totals`)."""
    from households.rules import percent

    years = range(period.year - TREND_YEARS + 1, period.year + 1)
    days = {year: period.end if year == period.year else date(year, 12, 31) for year in years}
    totals = class_totals(households, list(days.values()), group_by)
    points = []
    for year, day in days.items():
        poor, near = totals[day].get(Status.POOR, 0), totals[day].get(Status.NEAR_POOR, 0)
        total = population_by_year.get(year)
        if total:
            points.append((year, float(percent(poor, total)), float(percent(near, total))))
        else:
            points.append((year, None, None))
    return points


class _ValuesAboveLine(pygal.Line):
    """A line chart whose printed values stand centred above their points. pygal prints them below and to the
    right: a rate near zero put its value on the year labels under the axis, and the last year's value ran
    off the chart's right edge."""

    def _static_value(self, serie_node, value, x, y, metadata, align_text="left", classes=None):
        # pygal.Line passes the point moved one font size right and down.
        size = self.style.value_font_size
        super()._static_value(serie_node, value, x - size, y - 2.2 * size, metadata, "middle", classes)


def trend_chart(points, unit_name: str) -> str:
    config = _config(_("Poverty and near-poverty rates over the years, %(unit)s") % {"unit": unit_name})
    rates = [v for _y, p, n in points for v in (p, n) if v is not None]
    # From zero, with room above the highest point for its value.
    config["range"] = (0, max(rates) * 1.2 if rates and max(rates) > 0 else 1)
    chart = _ValuesAboveLine(**config)
    chart.x_labels = [str(year) for year, _p, _n in points]
    chart.add(_("Poverty rate (%)"), [p for _y, p, _n in points])
    chart.add(_("Near-poverty rate (%)"), [n for _y, _p, n in points])
    return _render(chart)


def data_url(svg: str) -> str:
    """The SVG as a data URL, for the PDF (the renderer fetches nothing from the network)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
