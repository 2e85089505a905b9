"""The written part of the report: for every figure that misses its goal, what the measurements
say about the cause (slowest cells, the DataLoader's share of the baseline, render vs redraw)."""
from __future__ import annotations

from .goals import GOALS

__all__ = ["notes"]


def _chapter_notes(report: dict) -> list:
    notes = []
    for row in report.get("chapters", []):
        if row.get("error"):
            notes.append(f"Chapter {row['chapter']} ({row['data']}) failed: {row['error']}")
        elif not row["ok"]:
            cells = ", ".join(f"cell {cell['index']} {cell['seconds']:.1f} s (`{cell['code']}`)"
                              for cell in row["slowest_cells"])
            notes.append(f"Chapter {row['chapter']} ({row['data']}) took "
                         f"{row['seconds']['median']:.1f} s, over the {GOALS['chapter_s']:.0f} s goal. "
                         f"Where the time goes (nbclient's per-cell timings): {cells}.")
    return notes


def _book_notes(report: dict) -> list:
    book = report.get("book")
    if not book or book["ok"]:
        return []
    if book.get("error"):
        return [f"The book build failed: {book['error']}"]
    executed = book.get("executed_s")
    share = (f" Executing the notebooks took {executed['median']:.0f} s of it (myst-nb's log), the "
             f"rest is Sphinx; the slowest: " + ", ".join(
                 f"{name} {seconds:.0f} s" for name, seconds in
                 sorted(book["executed"].items(), key=lambda item: -item[1])[:3]) + "."
             if executed else "")
    return [f"The book build took {book['seconds']['median']:.0f} s, over the "
            f"{GOALS['book_s']:.0f} s goal.{share}"]


def _throughput_notes(report: dict) -> list:
    throughput = report.get("throughput")
    if not throughput or not throughput.get("ratio"):
        return []
    notes = []
    if not throughput["equal_loss"]:
        notes.append(f"The loops end at test losses {100 * throughput['loss_gap']['median']:+.2f}% "
                     f"apart, more than the {100 * GOALS['loss_tolerance']:.0f}% that counts as "
                     "equal: check the loss and the data before reading the speed ratio.")
    goal, ratio = GOALS["throughput_ratio"], throughput["ratio"]["median"]
    if ratio < goal:
        share = throughput["loops"]["dataloader"].get("data_share")
        waiting = (f" The tutorials' loop spends {100 * share['median']:.0f}% of its time waiting "
                   "for the DataLoader (a PIL image and `ToTensor` per sample, then collate): "
                   "free data could remove that much at most, the rest is training steps that "
                   "both loops share." if share else "")
        notes.append(f"The book's loop is {ratio:.2f}× the tutorials', under the {goal:.0f}× goal: "
                     f"the data pipeline gives {throughput['pipeline_ratio']['median']:.2f}× and "
                     f"fused Adam {throughput['fused_ratio']['median']:.2f}×.{waiting}")
    share = throughput["peak_fraction"]["median"]
    if share < GOALS["peak_share"]:
        before = throughput.get("peak_fraction_before")
        was = f", {100 * before['median']:.1f}% before #21" if before else ""
        products = throughput.get("large_products_fraction")
        alone = (f": the step's five large products (batch 128 × 784 × 400, forward and backward) "
                 f"alone run at {100 * products['median']:.0f}% of it, so the rest of the step (the "
                 "20-wide products, the loss, Adam's update, autograd and Python) costs the "
                 "difference" if products else "")
        notes.append(f"The book's loop runs at {100 * share:.1f}% of the matmul peak{was}, under the "
                     f"{100 * GOALS['peak_share']:.0f}% goal{alone}; `--profile` tabulates where "
                     "the step's time goes.")
    if throughput.get("profile"):
        notes.append(f"torch.profiler tables of both loops: `{throughput['profile']}`.")
    return notes


def _widget_notes(report: dict) -> list:
    notes = []
    for row in report.get("widgets", []):
        if row["ms"] is not None and not row["ok"]:
            render = row["render_ms"]["median"] if row["render_ms"] else float("nan")
            notes.append(f"Widget `{row['widget']}` slider `{row['slider']}` in chapter "
                         f"{row['chapter'][:2]}: {row['ms']['median']:.1f} ms an update, over the "
                         f"{GOALS['widget_ms']:.0f} ms goal; the model (`render`) takes {render:.1f} ms "
                         f"of it, the rest is PNG encoding and the widget messages.")
        if row.get("unchanged"):
            notes.append(f"Widget `{row['widget']}` slider `{row['slider']}` in chapter "
                         f"{row['chapter'][:2]}: {row['unchanged']} of {row['ms']['n']} updates "
                         "left every image and the text as they were.")
    return notes


def notes(report: dict) -> list:
    """Sentences for the report's 'Misses and notes' section."""
    written = []
    busy = [run for run, info in report["runs"].items()
            if info.get("load_before") and info["load_before"][0] > 0.5]
    if busy:
        written.append(f"Run{'s' if len(busy) > 1 else ''} {', '.join(busy)} started on a busy "
                       "machine (1-minute load average "
                       "above 0.5): their timings are inflated; re-run on a quiet machine before "
                       "comparing them with the goals.")
    for part in (_chapter_notes, _book_notes, _throughput_notes, _widget_notes):
        written += part(report)
    for row in report.get("ratio", []):
        if not row["ok"]:
            written.append(f"Chapter 1's linear autoencoder ends {100 * (row['value'] - 1):.2f}% "
                           f"above PCA's test error with {row['data']}, more than the 1% the "
                           "chapter claims: train it longer or check its learning rate.")
    return written
