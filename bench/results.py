"""bench/RESULTS.md holds several runs: `make bench` at the top, then one section per other target.

A section lives between `<!-- section:NAME -->` and `<!-- /section:NAME -->`;
writing one replaces it and leaves the rest of the file alone, so `make bench`,
`make loadtest` and `make million` each keep the others' figures.
"""

import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- section:{name} -->", f"<!-- /section:{name} -->"


def sections(text: str) -> str:
    """Every marked section of `text`, joined, to carry over when the top part is rewritten."""
    found = re.findall(r"<!-- section:(\S+) -->.*?<!-- /section:\1 -->", text, flags=re.S)
    blocks = [re.search(rf"{re.escape(_markers(n)[0])}.*?{re.escape(_markers(n)[1])}", text, re.S) for n in found]
    return "\n\n".join(block.group(0) for block in blocks if block)


def replace_section(text: str, name: str, title: str, body: str) -> str:
    start, end = _markers(name)
    block = f"{start}\n## {title}\n\n{body.strip()}\n{end}"
    pattern = re.compile(rf"{re.escape(start)}.*?{re.escape(end)}", re.S)
    if pattern.search(text):
        return pattern.sub(lambda _m: block, text)
    return text.rstrip("\n") + "\n\n" + block + "\n"


def write_section(name: str, title: str, body: str, path: Path = RESULTS) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    path.write_text(replace_section(text, name, title, body), encoding="utf-8")
