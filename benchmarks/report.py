"""The benchmark report: summaries of repeated measurements, goals, merging runs, Markdown.

The JSON report is the source of truth; the Markdown is rendered from it. A run may measure only
some parts (``--only``, ``--chapters``): its rows replace the rows of the same keys in the
previous report and the other rows stay, each labelled with the run that measured it.
"""
from __future__ import annotations

import json
import statistics
from pathlib import Path

from .analysis import notes
from .goals import GOALS

__all__ = ["summary", "check_goals", "merge", "to_markdown", "write"]

SECTIONS = ("chapters", "widgets", "ratio", "skipped")


def summary(values, scale: float = 1.0) -> dict | None:
    """Median, min and max of repeated measurements (times ``scale``), with the runs kept."""
    values = [scale * value for value in values if value is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values), "runs": values}


def check_goals(report: dict) -> dict:
    """Set ``ok`` on every row that has a goal; returns the report."""
    for row in report.get("chapters", []):
        row["ok"] = row["seconds"] is not None and row["seconds"]["median"] <= GOALS["chapter_s"]
    book = report.get("book")
    if book:
        book["ok"] = book["seconds"] is not None and not book.get("error") \
            and book["seconds"]["median"] <= GOALS["book_s"]
    throughput = report.get("throughput")
    if throughput and throughput.get("ratio"):
        throughput["equal_loss"] = abs(throughput["loss_gap"]["median"]) <= GOALS["loss_tolerance"]
        throughput["ok"] = throughput["equal_loss"] and \
            throughput["ratio"]["median"] >= GOALS["throughput_ratio"]
        throughput["peak_ok"] = throughput["peak_fraction"]["median"] >= GOALS["peak_share"]
    for row in report.get("widgets", []):
        # None: a one-value slider has nothing to move to.
        row["ok"] = None if row["ms"] is None else row["ms"]["median"] <= GOALS["widget_ms"]
    for row in report.get("ratio", []):
        row["ok"] = row["value"] <= GOALS["pca_ratio"]
    return report


def _key(section: str, row: dict) -> tuple:
    if section == "skipped":
        return row["part"], row["chapter"][:2]
    return row["chapter"][:2], row.get("data")


def merge(old: dict | None, new: dict, covered: dict, existing: set) -> dict:
    """``new`` plus the rows of ``old`` that this run did not measure again.

    Args:
        covered: section -> keys this run measured, e.g. ``{"chapters": {("01", "mnist")}}``,
            ``{"skipped": {("widgets", "02")}}``; ``"book"``/``"throughput"``: True if re-run.
        existing: the chapter prefixes ("01", ...) whose notebooks exist; rows of chapters
            that no longer exist are dropped.
    """
    if not old or old.get("schema") != new["schema"]:
        return check_goals(new)
    report = dict(new)
    for section in SECTIONS:
        kept = [row for row in old.get(section, [])
                if _key(section, row) not in covered.get(section, set())
                and (section == "skipped" or row["chapter"][:2] in existing)]
        report[section] = sorted(kept + new.get(section, []),
                                 key=lambda row: (row["chapter"], str(row.get("data")),
                                                  row.get("widget", ""), row.get("slider", "")))
    for part in ("book", "throughput"):
        if not covered.get(part):
            report[part] = old.get(part)
    used = {row["run"] for section in SECTIONS for row in report[section]}
    used |= {report[part]["run"] for part in ("book", "throughput") if report.get(part)}
    report["runs"] = {run: info for run, info in {**old.get("runs", {}), **new["runs"]}.items()
                      if run in used or run == new["latest_run"]}
    return check_goals(report)


# -- Markdown ------------------------------------------------------------------------------------
def _stats(values: dict | None, unit: str, digits: int = 1, scale: float = 1.0) -> str:
    """"median unit (min–max, n=...)", or "median unit" for one run; "—" for none."""
    if values is None:
        return "—"
    space = "" if unit in ("×", "%", "") else " "
    median, low, high = (scale * values[key] for key in ("median", "min", "max"))
    if values["n"] == 1:
        return f"{median:.{digits}f}{space}{unit}"
    return f"{median:.{digits}f}{space}{unit} ({low:.{digits}f}–{high:.{digits}f}, n={values['n']})"


def _ok(flag) -> str:
    return "—" if flag is None else ("ok" if flag else "**missed**")


def _table(header: list, rows: list) -> list:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    return lines + ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]


def _machine_lines(report: dict) -> list:
    lines = []
    for run, info in sorted(report["runs"].items()):
        machine = info["machine"]
        load = info.get("load_before")
        busy = load is not None and load[0] > 0.5
        lines.append(
            f"- Run `{run}` ({info.get('seconds', 0):.0f} s, parts: {', '.join(info['parts'])}; "
            f"commit {info['git']}): {machine['cpus']} CPUs available ({machine['cpu_model']}), "
            f"torch {machine['torch']} with {machine['torch_threads']} threads "
            f"({machine['torch_interop_threads']} inter-op), torchvision {machine['torchvision']}, "
            f"Python {machine['python']}, {machine['platform']}. Load average before "
            f"{', '.join(f'{x:.2f}' for x in load or [])}, after "
            f"{', '.join(f'{x:.2f}' for x in info.get('load_after') or [])}."
            + (" **The machine was busy when this run started: its timings are inflated.**"
               if busy else ""))
    return lines


def _summary_rows(report: dict) -> list:
    rows = []
    chapters = [row for row in report.get("chapters", []) if row["seconds"]]
    if chapters:
        slowest = max(chapters, key=lambda row: row["seconds"]["median"])
        rows.append(["slowest chapter run", f"{slowest['chapter']} ({slowest['data']})",
                     _stats(slowest["seconds"], "s"), f"≤ {GOALS['chapter_s']:.0f} s",
                     _ok(all(row["ok"] for row in report["chapters"]))])
    book = report.get("book")
    if book:
        rows.append(["book build, fresh copy", book.get("source", ""), _stats(book["seconds"], "s"),
                     f"≤ {GOALS['book_s'] / 60:.0f} min", _ok(book["ok"])])
    throughput = report.get("throughput")
    if throughput and throughput.get("ratio"):
        rows.append(["training throughput, book's loop / tutorials' DataLoader loop",
                     f"test-loss gap {100 * throughput['loss_gap']['median']:+.2f}%",
                     _stats(throughput["ratio"], "×", 2),
                     f"≥ {GOALS['throughput_ratio']:.0f}× at equal loss", _ok(throughput["ok"])])
        rows.append(["… of which the data pipeline alone", "same plain Adam in both loops",
                     _stats(throughput["pipeline_ratio"], "×", 2), "—", "—"])
        rows.append(["… of which fused Adam alone", "same in-memory loop",
                     _stats(throughput["fused_ratio"], "×", 2), "—", "—"])
        before = throughput.get("peak_fraction_before")
        rows.append(["book's loop, share of the matmul peak",
                     f"peak {_stats(throughput['matmul_gflops'], 'GFLOP/s', 0)}"
                     + (f"; before #21: {_stats(before, '%', 1, 100)}" if before else ""),
                     _stats(throughput["peak_fraction"], "%", 1, 100),
                     f"≥ {100 * GOALS['peak_share']:.0f}%", _ok(throughput.get("peak_ok"))])
    widgets = [row for row in report.get("widgets", []) if row["ms"]]
    if widgets:
        slowest = max(widgets, key=lambda row: row["ms"]["median"])
        rows.append(["slowest widget update", f"{slowest['chapter'][:2]} `{slowest['slider']}`",
                     _stats(slowest["ms"], "ms"), f"≤ {GOALS['widget_ms']:.0f} ms",
                     _ok(all(row["ok"] is not False for row in report["widgets"]))])
    for row in report.get("ratio", []):
        rows.append([f"linear AE / PCA test error, ch. {row['chapter'][:2]}", row["data"],
                     f"{row['value']:.5f} ({100 * (row['value'] - GOALS['pca_ratio_limit']):+.3f}% "
                     f"from the limit {GOALS['pca_ratio_limit']:.2f})",
                     f"≤ {GOALS['pca_ratio']:.2f} (the chapter's claim)", _ok(row["ok"])])
    return rows


def to_markdown(report: dict) -> str:
    lines = ["# aebook benchmarks", "",
             f"Latest run {report['latest_run']}; generated by `make bench` "
             "(`python -m benchmarks.run`). Each figure is the median of its repetitions, with "
             "the min and max when there were several. Goals are for 2 CPU cores.", "",
             "## Machine", "", *_machine_lines(report), "",
             "## Summary", "",
             *_table(["figure", "what", "measured", "goal", ""], _summary_rows(report)), ""]
    chapters = report.get("chapters", [])
    if chapters:
        rows = [[row["chapter"], row["data"], _stats(row["seconds"], "s"),
                 _stats(row.get("kernel_start_s"), "s"), _ok(row["ok"]),
                 row["error"] or "; ".join(f"[{cell['index']}] {cell['seconds']:.1f} s `{cell['code']}`"
                                           for cell in row["slowest_cells"])]
                for row in chapters]
        lines += ["## Chapter run times", "",
                  "Each chapter executed top to bottom with nbclient in a fresh kernel "
                  "(`AEBOOK_PROGRESS=0`, `AEBOOK_OFFLINE=1`), kernel start included.", "",
                  *_table(["chapter", "data", "run time", "kernel start", f"≤ {GOALS['chapter_s']:.0f} s",
                           "slowest cells"], rows), ""]
        sources = sorted({(row["data"], row["data_line"]) for row in chapters if row.get("data_line")})
        lines += [f"- `{data}`: {line}" for data, line in sources] + [""]
    book = report.get("book")
    if book:
        lines += ["## Book build", "",
                  f"`jupyter-book build --all` of {book['source']} in a temporary folder (empty "
                  f"cache): {_stats(book['seconds'], 's')}, of which executing the notebooks "
                  f"{_stats(book.get('executed_s'), 's')} (myst-nb's log: "
                  + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in book.get("executed", {}).items())
                  + f"); {book.get('warnings', 0)} warnings"
                  + (f"; **error**: {book['error']}" if book.get("error") else "") + ".", ""]
    lines += _throughput_lines(report.get("throughput"))
    widgets = report.get("widgets", [])
    if widgets:
        rows = [[row["chapter"][:2], row["data"], row["title"] or f"`{row['widget']}`", f"`{row['slider']}`",
                 _stats(row["ms"], "ms"), _stats(row["render_ms"], "ms"),
                 row["unchanged"], _ok(row["ok"])] for row in widgets]
        lines += ["## Widget latency", "",
                  "One live slider update: set `view.live().controls[name].value` and wait for the "
                  "synchronous observe callback (the frame, PNG encoding, new `Image` values). A frame "
                  "the static view already computed is reused, as it is for a reader; `render only` is "
                  "`view.frame(...)` alone, what the model costs where no frame is kept. Measured in the "
                  "chapter's own kernel after it ran.", "",
                  *_table(["ch.", "data", "widget", "slider", "update", "render only",
                           "updates with no visible change", f"≤ {GOALS['widget_ms']:.0f} ms"], rows), ""]
    skipped = report.get("skipped", [])
    if skipped:
        lines += ["## Skipped", ""] + [f"- {row['part']}, chapter {row['chapter']}: {row['note']}"
                                       for row in skipped] + [""]
    written = notes(report)
    if written:
        lines += ["## Misses and notes", ""] + [f"- {note}" for note in written] + [""]
    return "\n".join(lines)


_LOOP_NAMES = {"dataloader": "tutorials' loop: DataLoader + ToTensor, plain Adam",
               "tensors": "book's loop: in-memory tensors, plain Adam",
               "tensors_fused": "book's loop: in-memory tensors, fused Adam (as the book runs)",
               "before": "book's loop before #21 (d0128b0): per-image loss, then its mean; "
                         "`loss.item()` every step; fused Adam"}


def _throughput_lines(throughput: dict | None) -> list:
    if not throughput or "loops" not in throughput:
        return []
    config = throughput["config"]
    rows = [[_LOOP_NAMES[name], _stats(loop["images_per_s"], "images/s", 0),
             _stats(loop["seconds"], "s"), _stats(loop["test_loss"], "", 2),
             _stats(loop.get("data_share"), "%", 0, 100)]
            for name, loop in throughput["loops"].items()]
    return ["## Training throughput", "",
            f"{config['model']} (pytorch/examples' VAE sizes; BCE + KL, Adam {config['lr']}, batch "
            f"{config['batch_size']}), {config['epochs']} epoch{'s' * (config['epochs'] != 1)} "
            f"on {config['data']} ({config['train_images']:,} training images), the same initial "
            f"weights and data in every loop; DataLoader workers: {config['workers']}; torch "
            f"threads: {config.get('torch_threads', '?')}; timed in {config.get('clock', 'wall time')}. Test "
            "loss: negative ELBO per test image (nats), seeded. Runs interleaved, the order "
            "rotating each round.", "",
            *_table(["loop", "throughput", "training time", "test loss", "share waiting for data"], rows),
            "", f"- The data pipeline alone (the two plain-Adam loops): "
            f"{_stats(throughput['pipeline_ratio'], '×', 2)}.",
            f"- Fused Adam alone (the two in-memory loops): {_stats(throughput['fused_ratio'], '×', 2)}.",
            f"- Both, the book's loop over the tutorials': {_stats(throughput['ratio'], '×', 2)}; "
            f"test-loss gap (book − tutorials) / tutorials: "
            f"{_stats(throughput['loss_gap'], '%', 2, 100)}; {_ok(throughput['ok'])}.",
            *_rewrite_lines(throughput),
            f"- The physical limit: a 2048 × 2048 fp32 matrix product runs at "
            f"{_stats(throughput['matmul_gflops'], 'GFLOP/s', 0)} on the same threads; the book's "
            f"loop does {throughput['flops_per_image'] / 1e6:.2f} MFLOP of linear-layer "
            f"multiply-adds per image and step (forward, weight and input gradients) and so runs at "
            f"{_stats(throughput['achieved_gflops'], 'GFLOP/s', 1)}, "
            f"{_stats(throughput['peak_fraction'], '%', 1, 100)} of that peak"
            + (f" (before #21: {_stats(throughput['peak_fraction_before'], '%', 1, 100)})"
               if throughput.get("peak_fraction_before") else "")
            + f"; goal ≥ {100 * GOALS['peak_share']:.0f}%: {_ok(throughput.get('peak_ok'))}. The "
            "rest goes to what is not a large matrix product: small matrices (batch 128 × 20 "
            "latents), the loss, the optimizer step and Python.", ""]


def _rewrite_lines(throughput: dict) -> list:
    """The step's rewrite (#21) alone: the book's loop now over the same loop before it."""
    if not throughput.get("rewrite_ratio"):
        return []
    return [f"- The step's rewrite alone (the book's loop now over the loop before #21, both with "
            f"fused Adam): {_stats(throughput['rewrite_ratio'], '×', 2)}; test-loss gap (now − "
            f"before) / before: {_stats(throughput['rewrite_loss_gap'], '%', 2, 100)}."]


def write(report: dict, folder: Path) -> tuple:
    """Write ``latest.json`` and ``latest.md`` into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    json_path, md_path = folder / "latest.json", folder / "latest.md"
    json_path.write_text(json.dumps(report, indent=1) + "\n")
    md_path.write_text(to_markdown(report) + "\n")
    return json_path, md_path
