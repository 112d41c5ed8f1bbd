"""`python -m bench --only PART`: the part's rows replace the same part's rows in bench/RESULTS.md, the rest stays."""

from bench import run
from bench.measure import Figure

RESULTS = """# Benchmark results (`make bench`)

Run on 2026-11-28 18:12, 100,000 households; whole run 1699 s.

## Machine

- CPUs (nproc): 2

## Figures

| Measurement | App | Baseline | Ratio | Goal | Met |
|---|---|---|---|---|---|
| (a) API first page, q=nguyen | 56.8 ms | 2.3 ms | 24.66× | ≤ 3× | **no** |
| Reviews: campaign board, 5,000 households | 20.5 ms | 1.6 ms | 12.5× | same queries | yes |
| Reports: progress report (PDF) of a ward of 5,000 households | 0.98 s | 21.3 ms | 46× | within 5 s | yes |
| Reports: review-result tables, old name | 3.44 s | 31.1 ms | 111× | each within 10 s | yes |

- This run: the machine was shared.
- (a) API first page, q=nguyen: 50 rows
- Reviews: campaign board, 5,000 households: queries (8, 9)
- Reports: progress report (PDF) of a ward of 5,000 households: queries: 18 small, 18 large

<!-- section:million -->
## A million households (`make million`)

kept as it is
<!-- /section:million -->
"""


def test_only_parses_and_names_every_part():
    assert run.parse_args(["--only", "reports", "--only", "documents"]).only == ["reports", "documents"]
    assert run.parse_args([]).only is None
    assert run.part_of("(g) PDF list") == "documents"
    assert run.part_of("Reports: consolidated official results") == "reports"
    assert run.part_of("This run: the machine was shared.") is None


def test_merge_replaces_only_the_parts_rows():
    figures = [
        Figure("Reports: progress report (PDF) of a ward of 5,000 households", "1.10 s", "20 ms", "55×", "≤ 5 s", True),
        Figure(
            "Reports: consolidated official results, 30 wards", "2.00 s", "1.00 s", "2.0×", "≤ 10 s", False, ["q: 4"]
        ),
    ]
    text = run.merge_parts(RESULTS, figures, ["reports"], "2026-11-28 13:40, 60 s, load average 2.0, 2.0, 2.0")
    # The other parts' rows, notes and sections are kept, in the order of the table.
    for kept in (
        "| (a) API first page, q=nguyen | 56.8 ms |",
        "| Reviews: campaign board, 5,000 households | 20.5 ms |",
        "- This run: the machine was shared.",
        "- Reviews: campaign board, 5,000 households: queries (8, 9)",
        "<!-- section:million -->\n## A million households (`make million`)\n\nkept as it is\n<!-- /section:million",
        "- CPUs (nproc): 2",
    ):
        assert kept in text
    # The part's old rows and notes are gone, its new ones are there, after the other parts'.
    assert "old name" not in text and "18 small" not in text and "0.98 s" not in text
    assert "| Reports: consolidated official results, 30 wards | 2.00 s | 1.00 s | 2.0× | ≤ 10 s | **no** |" in text
    assert "- Reports: consolidated official results, 30 wards: q: 4" in text
    lines = text.splitlines()
    assert (
        lines.index("| Reviews: campaign board, 5,000 households | 20.5 ms | 1.6 ms | 12.5× | same queries | yes |")
        < [i for i, line in enumerate(lines) if line.startswith("| Reports: progress")][0]
    )
    assert "Re-measured alone: `reports` on 2026-11-28 13:40, 60 s, load average 2.0, 2.0, 2.0." in text
    assert text.index("Re-measured alone") < text.index("## Machine")
    # Measuring the part again replaces its line instead of adding one.
    again = run.merge_parts(text, figures[:1], ["reports"], "2026-11-28 13:50, 30 s, load average 1.0, 1.0, 1.0")
    assert again.count("Re-measured alone: `reports`") == 1 and "13:50" in again
    assert "consolidated official results" not in again
    assert again.count("<!-- section:million -->") == 1
