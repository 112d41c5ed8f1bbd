"""The charts' SVG (reports/charts.py), checked on its coordinates: what a reader of the page or the PDF sees."""

from xml.etree import ElementTree

from reports import charts

SVG = "{http://www.w3.org/2000/svg}"


def _texts(group) -> list:
    return list(group.iter(f"{SVG}text"))


def _plot(root, name: str):
    """pygal's plot group `plot <name>` (all of them share one translation, so their coordinates compare)."""
    return next(g for g in root.iter(f"{SVG}g") if g.get("class") == f"plot {name}".strip())


def test_trend_values_stand_above_their_points_clear_of_the_year_labels():
    # A near-poverty rate near zero: its values used to be printed under the points, on the year labels.
    points = [(2021, None, None), (2022, 4.2, 0.6), (2023, 3.5, 0.4), (2024, 2.9, 0.3), (2025, 2.1, 0.0)]
    root = ElementTree.fromstring(charts.trend_chart(points, "Vinh"))
    plot = _plot(root, "")
    x_axis = next(g for g in plot.iter(f"{SVG}g") if g.get("class") == "axis x")
    years = _texts(x_axis)
    assert [t.text for t in years] == ["2021", "2022", "2023", "2024", "2025"]
    labels_top = min(float(t.get("y")) for t in years) - charts.STYLE.label_font_size
    y_labels = [t.text for t in _texts(next(g for g in plot.iter(f"{SVG}g") if "axis y" in (g.get("class") or "")))]
    assert "0,0" in y_labels  # the scale starts at zero
    values = [t for t in _texts(_plot(root, "text-overlay")) if t.get("class") == "value"]
    dots = list(_plot(root, "overlay").iter(f"{SVG}circle"))
    assert len(values) == len(dots) == 8
    width = float(next(plot.iter(f"{SVG}rect")).get("width"))  # the plot's background
    for text, dot in zip(values, dots, strict=True):
        x, y = float(text.get("x")), float(text.get("y"))
        assert text.get("text-anchor") == "middle" and abs(x - float(dot.get("cx"))) < 0.01  # centred over it
        assert y < float(dot.get("cy")), text.text  # above its point
        assert y < labels_top, (text.text, y, labels_top)  # clear of the year labels
        assert x + 10 < width, text.text  # centred: half of "0,0" to its right, inside the plot
    assert [t.text for t in values][-1] == "0,0"


def test_trend_without_any_figure_still_draws_from_zero():
    root = ElementTree.fromstring(charts.trend_chart([(2024, None, None), (2025, None, None)], "Vinh"))
    assert not [t for t in root.iter(f"{SVG}text") if t.get("class") == "value"]


def test_crowded_unit_labels_turn_instead_of_running_into_each_other():
    # 15 khối and the ward's total: "Khối 15" and "Toàn phường" printed over each other.
    assert charts.x_label_rotation([f"Khối {n}" for n in range(1, 16)] + ["Toàn phường"]) == 30
    assert charts.x_label_rotation(["Hưng Bình", "Quang Trung", "Tổng cộng"]) == 0
    assert charts.x_label_rotation([]) == 0
