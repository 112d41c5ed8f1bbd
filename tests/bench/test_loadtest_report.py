"""The load test's figures: read from locust's final JSON, every kind of request with its p50/p95/p99 and errors,
and a page whose p95 misses the goal is marked (no locust run here)."""

import json
from types import SimpleNamespace

from bench.loadtest import PAGE_GOAL_MS, read_stats, report


def entry(name, times: dict, failures=0, start=100.0, last=160.0):
    return {
        "name": name,
        "method": "GET",
        "start_time": start,
        "last_request_timestamp": last,
        "num_requests": sum(times.values()),
        "num_failures": failures,
        "max_response_time": max(times),
        "response_times": {str(k): v for k, v in times.items()},
    }


def test_the_report_lists_each_kind_and_marks_a_page_that_misses_the_goal(tmp_path):
    stats = tmp_path / "locust.json"
    stats.write_text(
        json.dumps(
            [
                entry("household page", {40: 90, 80: 9, 900: 1}),
                entry("list + search", {120: 50, 450: 50}),
                entry("export (xlsx)", {2500: 3}, failures=1),
            ]
        )
    )
    rows = read_stats(stats)
    by_name = {row["Name"]: row for row in rows}
    assert list(by_name) == ["export (xlsx)", "household page", "list + search", "Aggregated"]
    assert (by_name["household page"]["50%"], by_name["household page"]["95%"], by_name["household page"]["99%"]) == (
        40,
        80,
        900,  # locust's rule: the slowest 1% of 100 requests is the one at 900 ms
    )
    assert by_name["list + search"]["95%"] == 450 > PAGE_GOAL_MS
    assert by_name["Aggregated"]["Request Count"] == 203
    assert round(by_name["Aggregated"]["Requests/s"], 2) == round(203 / 60, 2)

    args = SimpleNamespace(users=50, minutes=2, workers=4)
    text, met = report(rows, args=args, duration=130, households=100_000)
    assert not met
    lines = {line.split(" | ")[0].lstrip("| "): line for line in text.splitlines() if line.startswith("| ")}
    assert lines["household page"].endswith("| met |")
    assert lines["list + search"].endswith("| **missed** |")
    assert "1 errors" in text and "list + search" in text.splitlines()[-2]
