"""`make bench`'s own arithmetic: what it reads from wrk and /proc, and the pass/fail lines
it prints for issue #17's targets (the figures themselves are a benchmark, not a test)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import bench_report
import bench_servers
import bench_wrk

WRK_OUTPUT = """Running 4s test @ http://127.0.0.1:8231/
  2 threads and 16 connections
  Latency Distribution
     50%    7.92ms
     75%   10.01ms
     90%   12.50ms
     99%    1.20s
  3210 requests in 4.00s, 31.21MB read
Requests/sec:    802.40
Transfer/sec:      7.80MB
"""


def stat_line(pid, own, children):
    """A /proc/<pid>/stat line whose utime+stime is `own` and cutime+cstime `children`."""
    fields = ["S", *["0"] * 10, str(own), "0", str(children), "0", *["0"] * 30]
    return f"{pid} (gunicorn: worker [magazine.wsgi]) " + " ".join(fields)


def run(rps, cpu_ms=None):
    return bench_wrk.Run(rps=rps, p50=1.0, p99=2.0, requests=100, cpu_ms=cpu_ms)


def test_wrk_output_gives_requests_per_second_latency_in_ms_and_the_requests_counted():
    found = bench_wrk.parse(WRK_OUTPUT)

    assert found == bench_wrk.Run(rps=802.40, p50=7.92, p99=1200.0, requests=3210)


def test_a_run_that_completed_no_request_leaves_the_cpu_median_to_the_others():
    runs = [run(0), run(90, cpu_ms=10.0), run(110, cpu_ms=12.0)]

    assert bench_wrk.median(runs).cpu_ms == 11.0


def test_wrk_is_sent_a_browsers_accept_encoding():
    command = bench_wrk.command(8231, "/", 4, bench_servers.BROWSER)

    assert "Accept-Encoding: gzip, deflate, br" in command


def test_process_times_read_past_a_command_name_with_spaces_and_parentheses():
    assert bench_servers.process_times(stat_line(7, own=150, children=40)) == (150, 40)


def test_server_cpu_counts_a_worker_that_ended_during_the_run_only_for_its_time_in_it():
    ticks = bench_servers.CLOCK_TICKS
    start = ({"1": (10, 0), "2": (100, 0), "3": (200, 0)}, "1")
    # Worker 3 ended at 260 ticks (the master's children's time), worker 4 replaced it.
    end = ({"1": (12, 260), "2": (150, 0), "4": (30, 0)}, "1")

    used = bench_servers.cpu_seconds(start, end)

    assert used == (2 + 50 + 30 + 60) / ticks


def test_a_page_more_than_15_percent_below_before_fails_and_is_named():
    before = {("home", "cached"): run(1000), ("search", "cached"): run(1000)}
    after = {("home", "cached"): run(860), ("search", "cached"): run(840)}

    lines = bench_report.served_checks(before, after)

    assert lines[0].startswith("- **FAIL** no page below before by more than 15 % (1 of 2")
    assert lines[1:] == ["  - **FAIL** search (cached): 840 against 1,000 requests/s (84%)"]


def test_pages_within_15_percent_of_before_pass_and_the_ceiling_is_not_a_page():
    before = {bench_report.CEILING: run(3000), ("home", "cached"): run(1000)}
    after = {bench_report.CEILING: run(1000), ("home", "cached"): run(850)}

    assert bench_report.served_checks(before, after) == [
        "- **PASS** no page below before by more than 15 % (1 of 1 within)"
    ]


def test_from_scratch_passes_at_a_third_of_befores_cpu_per_request_and_not_above():
    before = {(page, "from scratch"): run(80, cpu_ms=24.0) for page in ("story", "twenty")}
    before[("home", "from scratch")] = run(80, cpu_ms=24.0)
    after = {
        ("story", "from scratch"): run(240, cpu_ms=8.0),
        ("twenty", "from scratch"): run(200, cpu_ms=8.1),
    }

    lines = bench_report.scratch_cpu_checks(before, after)

    assert [line.split()[1] for line in lines] == ["**PASS**", "**FAIL**", "**FAIL**"]
    assert "home (from scratch): not measured on both checkouts" in lines[2]


def test_the_returning_reader_is_held_to_80_percent_of_a_stranger_the_cache_does_not_serve():
    figures = {
        ("story", "cached"): run(2000),
        ("story", "kept parts"): run(800),
        ("reader", "kept parts"): run(640),
        ("story", "from scratch"): run(100),
        ("reader", "from scratch"): run(79),
    }

    lines = bench_report.reader_checks(figures)

    assert [line.split()[1] for line in lines] == ["**PASS**", "**FAIL**"]


def test_the_layers_table_gives_each_page_without_each_layer_as_a_share_of_before_as_served():
    before = {("story", "cached"): run(2000), ("reader", "kept parts"): run(300)}
    after = {
        ("story", "cached"): run(2100),
        ("story", "kept parts"): run(1800),
        ("story", "from scratch"): run(600),
        ("reader", "kept parts"): run(700),
    }

    rows = bench_report.layers_table(after, before)[2:]

    assert rows == [
        "| story, 200 comments | 2,100 (105%) | 1,800 (90%) | 600 (30%) | 2,000 |",
        "| story, a returning reader who rated and voted | — | 700 (233%) | — | 300 |",
    ]


def test_a_new_report_replaces_the_last_one_and_keeps_the_earlier_measurements(tmp_path):
    report = tmp_path / "performance.md"
    report.write_text("# Performance\n\nold figures\n\n## Earlier measurements\n\nhistory\n")

    bench_report.write(report, "# Performance\n\nnew figures\n")

    assert report.read_text() == (
        "# Performance\n\nnew figures\n\n## Earlier measurements\n\nhistory\n"
    )
