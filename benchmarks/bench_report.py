"""
`make bench`'s report (see bench.py): the tables of medians, the before/after table of
one sitting, issue #17's targets as pass/fail lines and the layers table, in Markdown,
written to docs/performance.md above the earlier measurements, which it keeps.

Figures are {(page, setting): Run} medians (bench_wrk.Run), one such dict per checkout.
"""

from pathlib import Path

HISTORY = "## Earlier measurements"
CEILING = ("ceiling", "cached")
LABELS = {
    "ceiling": "static file of the story (ceiling)",
    "story": "story, 200 comments",
    "twenty": "article, 20 comments",
    "home": "home",
    "category": "category",
    "search": "search",
    "reader": "story, a returning reader who rated and voted",
}
SETTINGS_TEXT = (
    "*Cached*: the page cache on, as installed. *Kept parts*: the page cache off "
    "(`MAGAZINE_PAGE_CACHE_SECONDS=0`), so every request runs the view, which joins the "
    "markup kept in memory. *From scratch*: nothing kept either "
    "(`MAGAZINE_KEEP_FRAGMENTS=false`), every query and template on every request. "
    "*A returning reader who rated and voted* has rated the story and voted on three "
    "comments: the page cache never serves them. *CPU/request*: the user and system time "
    "of gunicorn's master and workers over the run (from /proc; the warm-up's requests done "
    "before it starts), divided by the requests "
    "wrk counted."
)
# The layers, each with the setting of a page with it and the setting without it.
LAYERS = (("page cache", "cached", "kept parts"), ("kept parts", "kept parts", "from scratch"))
SERVED_FLOOR, SCRATCH_CPU_SHARE, READER_SHARE = 0.85, 1 / 3, 0.8


def label(key):
    page, setting = key
    return LABELS[page] if key == CEILING else f"{LABELS[page]} ({setting})"


def verdict(passed):
    return "**PASS**" if passed else "**FAIL**"


def _cpu(run):
    return "—" if run is None or run.cpu_ms is None else f"{run.cpu_ms:.1f}"


def _share(part, whole):
    return f"{part / whole:.0%}" if part is not None and whole else "—"


def table(figures, sizes):
    ceiling = figures.get(CEILING)
    lines = [
        "| page (setting) | requests/s | p50 ms | p99 ms | bytes | share of ceiling "
        "| CPU/request ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for key, run in figures.items():
        lines.append(
            f"| {label(key)} | {run.rps:,.0f} | {run.p50:.1f} | {run.p99:.1f} "
            f"| {sizes.get(key, 0):,} | {_share(run.rps, ceiling and ceiling.rps)} | {_cpu(run)} |"
        )
    return lines


def compare_table(before, after):
    lines = [
        "| page (setting) | before req/s | after req/s | after/before | before CPU ms "
        "| after CPU ms | after/before CPU |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for key in after:
        if key not in before:
            continue
        b, a = before[key], after[key]
        cpu_share = _share(a.cpu_ms, b.cpu_ms) if a.cpu_ms is not None else "—"
        lines.append(
            f"| {label(key)} | {b.rps:,.0f} | {a.rps:,.0f} | {_share(a.rps, b.rps)} "
            f"| {_cpu(b)} | {_cpu(a)} | {cpu_share} |"
        )
    return lines


def scratch_cpu_checks(before, after):
    lines = []
    for page in ("story", "twenty", "home"):
        key = (page, "from scratch")
        b, a = before.get(key), after.get(key)
        if b is None or a is None or b.cpu_ms is None or a.cpu_ms is None:
            lines.append(f"- **FAIL** {label(key)}: not measured on both checkouts")
            continue
        lines.append(
            f"- {verdict(a.cpu_ms <= b.cpu_ms * SCRATCH_CPU_SHARE)} {label(key)}: CPU per "
            f"request at most ⅓ of before's: {a.cpu_ms:.1f} ms against {b.cpu_ms:.1f} ms "
            f"({a.cpu_ms / b.cpu_ms:.0%})"
        )
    return lines


def served_checks(before, after):
    """No page below before by more than 15 %: one line in all, and one per page that is."""
    common = [key for key in after if key in before and key != CEILING]
    below = [key for key in common if after[key].rps < before[key].rps * SERVED_FLOOR]
    lines = [
        f"- {verdict(common and not below)} no page below before by more than 15 % "
        f"({len(common) - len(below)} of {len(common)} within)"
    ]
    for key in below:
        lines.append(
            f"  - **FAIL** {label(key)}: {after[key].rps:,.0f} against {before[key].rps:,.0f} "
            f"requests/s ({after[key].rps / before[key].rps:.0%})"
        )
    return lines


def reader_checks(figures):
    """The returning reader at least 80 % of a stranger the page cache does not serve."""
    lines = []
    for setting in ("kept parts", "from scratch"):
        reader, stranger = figures.get(("reader", setting)), figures.get(("story", setting))
        if reader is None or stranger is None:
            continue
        share = reader.rps / stranger.rps if stranger.rps else 0
        lines.append(
            f"- {verdict(share >= READER_SHARE)} the returning reader at least 80 % of a "
            f"stranger's uncached story ({setting}): {reader.rps:,.0f} against "
            f"{stranger.rps:,.0f} requests/s ({share:.0%})"
        )
    return lines


def checks(before, after):
    """Issue #17's targets as pass/fail lines (those against before only with before)."""
    lines = reader_checks(after)
    if before:
        lines = scratch_cpu_checks(before, after) + served_checks(before, after) + lines
    return lines


def layers_table(after, before):
    """Per page, requests/s with every layer and without each; with before, each as a
    share of before's page as served (cached, or kept parts for the returning reader)."""
    lines = [
        "| page | every layer (cached) | without the page cache (kept parts) "
        "| without kept parts too (from scratch) | before, as served |",
        "|---|---:|---:|---:|---:|",
    ]
    for page in ("story", "twenty", "home", "category", "search", "reader"):
        cells = [after.get((page, s)) for s in ("cached", "kept parts", "from scratch")]
        if not any(cells):
            continue
        served = before.get((page, "cached")) or before.get((page, "kept parts"))
        texts = [
            "—"
            if run is None
            else f"{run.rps:,.0f}" + (f" ({_share(run.rps, served.rps)})" if served else "")
            for run in cells
        ]
        lines.append(
            f"| {LABELS[page]} | {' | '.join(texts)} | {f'{served.rps:,.0f}' if served else '—'} |"
        )
    return lines


def write(path, text):
    """`text` in place of the file's top part; the earlier measurements kept below it."""
    path = Path(path)
    old = path.read_text() if path.exists() else ""
    _, heading, history = old.partition(HISTORY)
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = [text.rstrip() + "\n"] + ([heading + history] if heading else [])
    path.write_text("\n".join(kept))
