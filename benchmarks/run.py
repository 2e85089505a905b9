"""``make bench``: measure how fast the book runs and trains; write benchmarks/results/latest.{md,json}.

    python -m benchmarks.run                                 # everything (about 20 min on 2 cores)
    python -m benchmarks.run --only throughput --epochs 1    # one part
    python -m benchmarks.run --only chapters,widgets --chapters 01,02 --datasets mnist

A run of some parts or chapters replaces those rows of the previous report and keeps the rest
(``--fresh`` starts an empty report). The exit status is 1 when a chapter, a probe or the book
build failed, else 0: a missed goal is reported, not raised.
"""
from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import torch
import yaml

from . import notebooks, report, throughput

ROOT = Path(__file__).resolve().parents[1]
PARTS = ("chapters", "book", "throughput", "widgets", "ratio")
# The widgets the book promises, by chapter; a missing one is reported.
REQUIRED_WIDGETS = {"01": "code size", "02": "noise ratio", "03": "k", "07": "latent coordinates"}
# Variables read from a chapter's kernel after it ran: chapter 1's linear AE / PCA test error.
PROBE_VARIABLES = {"01": ["ratio"]}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--only", default=",".join(PARTS), help=f"comma-separated parts of {PARTS}")
    parser.add_argument("--chapters", default="", help="chapter prefixes, e.g. 01,02; empty: every chapter")
    parser.add_argument("--datasets", default="mnist,fashion-mnist",
                        help="data sets for chapter run times (mnist is the offline subset here)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each chapter and of the book build")
    parser.add_argument("--cheap-repeat", type=int, default=3,
                        help="throughput runs of each loop; rounds of slider moves per widget slider")
    parser.add_argument("--epochs", type=int, default=2, help="epochs of each throughput run")
    parser.add_argument("--workers", type=int, default=0, help="the baseline DataLoader's num_workers")
    parser.add_argument("--threads", type=int, default=0,
                        help="torch threads for the throughput loops and the matmul peak (0: torch's "
                             "default; 1 measures one core, steadier on a shared machine)")
    parser.add_argument("--cpu-time", action="store_true",
                        help="time the throughput part in CPU time (needs --threads 1): on a machine "
                             "shared with other jobs, waiting for a core then does not count")
    parser.add_argument("--profile", action="store_true",
                        help="also write torch.profiler tables of both loops")
    parser.add_argument("--book-source", choices=tuple(notebooks.BOOK_SOURCES), default="tree",
                        help="build a copy of the working tree or of the last commit")
    parser.add_argument("--timeout", type=int, help="seconds per notebook cell",
                        default=yaml.safe_load((ROOT / "_config.yml").read_text())["execute"]["timeout"])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results", help="report folder")
    parser.add_argument("--executed", type=Path, default=None,
                        help="also save each executed chapter (outputs included) in this folder")
    parser.add_argument("--fresh", action="store_true", help="do not keep rows of the previous report")
    args = parser.parse_args(argv)
    args.parts = [part.strip() for part in args.only.split(",") if part.strip()]
    args.chapters = [prefix.strip().zfill(2) for prefix in args.chapters.split(",") if prefix.strip()]
    args.datasets = [name.strip() for name in args.datasets.split(",") if name.strip()]
    for name, values, allowed in (("--only", args.parts, PARTS),
                                  ("--datasets", args.datasets, tuple(notebooks.DATA_ENV))):
        unknown = sorted(set(values) - set(allowed))
        if unknown or not values:
            parser.error(f"{name} takes a comma-separated list of {allowed}, got {unknown or 'nothing'}")
    for name in ("repeat", "cheap_repeat", "epochs"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.threads < 0:
        parser.error("--threads must be at least 0")
    if args.cpu_time and args.threads != 1:
        parser.error("--cpu-time needs --threads 1 (the CPU time of one thread is all its work)")
    return args


def machine_info() -> dict:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor()) \
        if Path("/proc/cpuinfo").exists() else platform.processor()
    version = lambda name: importlib.metadata.version(name)  # noqa: E731
    return {"cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "cpu_count": os.cpu_count(), "cpu_model": model, "platform": platform.platform(),
            "python": platform.python_version(), "torch": torch.__version__,
            "torch_threads": torch.get_num_threads(),
            "torch_interop_threads": torch.get_num_interop_threads(),
            "torchvision": version("torchvision"), "nbclient": version("nbclient"),
            "jupyter_book": version("jupyter-book")}


def git_state() -> str:
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = " + uncommitted changes" if git("status", "--porcelain") else ""
    return git("rev-parse", "--short", "HEAD") + dirty


def log(message: str) -> None:
    print(f"[bench {datetime.now():%H:%M:%S}] {message}", flush=True)


def measure_chapters(args, run: str, new: dict, covered: dict) -> bool:
    """Chapter run times, widgets and chapter 1's ratio. Returns True if anything failed."""
    existing = {path.stem[:2]: path for path in sorted((ROOT / "chapters").glob("*.ipynb"))}
    required = set(REQUIRED_WIDGETS) if "widgets" in args.parts else set()
    wanted = args.chapters or sorted(set(existing) | required)
    timing, widgets, ratio = ("chapters" in args.parts, "widgets" in args.parts, "ratio" in args.parts)
    failed = False
    for prefix in wanted:
        parts = [part for part in ("chapters", "widgets", "ratio") if part in args.parts]
        covered["skipped"] |= {(part, prefix) for part in parts}
        if prefix not in existing:
            if widgets and prefix in REQUIRED_WIDGETS:
                part, note = "widgets", (f"chapter {prefix} does not exist yet (its "
                                         f"{REQUIRED_WIDGETS[prefix]} slider is required)")
            else:
                part, note = parts[0], f"no notebook chapters/{prefix}_*.ipynb"
            new["skipped"].append({"run": run, "part": part, "chapter": prefix, "note": note})
            continue
        path = existing[prefix]
        variables = PROBE_VARIABLES.get(prefix, []) if ratio else []
        rounds = args.cheap_repeat if widgets else 0
        datasets = args.datasets if timing else ["mnist"]
        for data in datasets:
            if not timing and not rounds and not variables:
                continue
            results = []
            for index in range(args.repeat if timing else 1):
                log(f"chapter {path.stem}, {data}, run {index + 1}")
                result = notebooks.run_chapter(path, data, timeout=args.timeout,
                                               probe_variables=variables if index == 0 else (),
                                               probe_rounds=rounds if index == 0 else 0,
                                               save_to=(args.executed / f"{path.stem}.{data}.ipynb"
                                                        if args.executed and index == 0 else None))
                error = result["error"]
                log(f"  {result['seconds'] or 0:.1f} s{'; ' + error if error else ''}")
                results.append(result)
                if result["error"]:
                    failed = True
                    break
            first = results[0]
            if first["error"] and not timing:  # else the chapter table shows it
                new["skipped"].append({"run": run, "part": parts[0], "chapter": prefix,
                                       "note": f"the chapter failed ({data}): {first['error']}"})
            if timing:
                covered["chapters"].add((prefix, data))
                new["chapters"].append({
                    "run": run, "chapter": path.stem, "data": data, "data_line": first["data_line"],
                    "seconds": report.summary([result["seconds"] for result in results]),
                    "kernel_start_s": report.summary([result["kernel_start_s"] for result in results]),
                    "slowest_cells": max(results, key=lambda r: r["seconds"] or 0)["slowest_cells"],
                    "error": next((result["error"] for result in results if result["error"]), None)})
            failed |= _record_probe(prefix, path.stem, data, first.get("probe"), run, new, covered,
                                    widgets, bool(variables))
    return failed


def _record_probe(prefix, stem, data, probe, run, new, covered, widgets, ratio) -> bool:
    if probe is None:
        return False
    if probe.get("error"):
        new["skipped"].append({"run": run, "part": "widgets", "chapter": prefix,
                               "note": f"the probe failed ({data}): {probe['error']}"})
        return True
    if widgets:
        covered["widgets"].add((prefix, data))
        for row in probe["widgets"]:
            new["widgets"].append({"run": run, "chapter": stem, "data": data, "widget": row["widget"],
                                   "title": row["title"], "slider": row["slider"], "values": row["values"],
                                   "ms": report.summary(row["seconds"], 1000),
                                   "render_ms": report.summary(row["render_seconds"], 1000),
                                   "unchanged": row["unchanged"]})
        if not probe["widgets"] and prefix in REQUIRED_WIDGETS and data == "mnist":
            new["skipped"].append({"run": run, "part": "widgets", "chapter": prefix,
                                   "note": "no aebook.SliderView found in the kernel after the chapter ran "
                                           f"(the {REQUIRED_WIDGETS[prefix]} slider is required)"})
    if ratio:
        covered["ratio"].add((prefix, data))
        if "ratio" in probe["variables"]:
            new["ratio"].append({"run": run, "chapter": stem, "data": data,
                                 "value": probe["variables"]["ratio"]})
        elif data == "mnist":
            new["skipped"].append({"run": run, "part": "ratio", "chapter": prefix,
                                   "note": "no variable `ratio` in the kernel after the chapter ran"})
    return False


def measure_book(args, run: str) -> dict:
    results = []
    for index in range(args.repeat):
        log(f"book build {index + 1} of {args.repeat}: {notebooks.BOOK_SOURCES[args.book_source]}")
        results.append(notebooks.build_book(ROOT, args.book_source))
        error = results[-1]["error"]
        log(f"  {results[-1]['seconds'] or 0:.0f} s{'; ' + error if error else ''}")
        if results[-1]["error"]:
            break
    failure = next((result for result in results if result["error"]), None)
    return {"run": run, "source": notebooks.BOOK_SOURCES[args.book_source],
            "seconds": report.summary([result["seconds"] for result in results]),
            "warnings": max(result["warnings"] for result in results),
            "executed_s": report.summary([sum(result["executed"].values()) for result in results]),
            "executed": results[-1]["executed"],
            "error": failure["error"] if failure else None,
            "log_tail": failure["log_tail"] if failure else ""}


def measure_throughput(args, run: str) -> dict | None:
    if not throughput.DEBIAN_FASHION_MNIST.is_dir():
        return None
    threads = torch.get_num_threads()
    if args.threads:
        torch.set_num_threads(args.threads)
    log(f"throughput: {args.cheap_repeat} rounds of {len(throughput.LOOPS)} loops, "
        f"{args.epochs} epochs each, {torch.get_num_threads()} torch threads")
    profile = args.out / "profile-throughput.txt" if args.profile else None
    try:
        measured = throughput.measure(epochs=args.epochs, repeat=args.cheap_repeat,
                                      workers=args.workers, profile_path=profile,
                                      cpu_time=args.cpu_time)
    finally:
        torch.set_num_threads(threads)
    loops = {loop: {key: report.summary([getattr(r, key) for r in measured.of(loop)])
                    for key in ("images_per_s", "seconds", "test_loss", "data_share")}
             for loop in throughput.LOOPS}
    book, tutorial = measured.of("tensors_fused"), measured.of("dataloader")
    peak = report.summary(measured.matmul_gflops)
    result = {"run": run, "config": measured.config, "loops": loops,
              "pipeline_ratio": report.summary(measured.ratios("tensors", "dataloader")),
              "fused_ratio": report.summary(measured.ratios("tensors_fused", "tensors")),
              "rewrite_ratio": report.summary(measured.ratios("tensors_fused", "before")),
              "ratio": report.summary(measured.ratios("tensors_fused", "dataloader")),
              "loss_gap": report.summary([(a.test_loss - b.test_loss) / b.test_loss
                                          for a, b in zip(book, tutorial)]),
              "rewrite_loss_gap": report.summary([
                  (a.test_loss - b.test_loss) / b.test_loss
                  for a, b in zip(book, measured.of("before"))]),
              "matmul_gflops": peak, "flops_per_image": measured.flops_per_image,
              "achieved_gflops": report.summary([r.images_per_s * measured.flops_per_image / 1e9
                                                 for r in book]),
              "peak_fraction": report.summary(measured.peak_fractions()),
              "peak_fraction_before": report.summary(measured.peak_fractions("before")),
              "large_products_fraction": report.summary([
                  products / peak for products, peak in
                  zip(measured.large_products_gflops, measured.matmul_gflops)]),
              "profile": str(profile.relative_to(ROOT)) if profile and profile.is_relative_to(ROOT)
              else (str(profile) if profile else None)}
    log(f"  book/tutorial {result['ratio']['median']:.2f}x (pipeline "
        f"{result['pipeline_ratio']['median']:.2f}x, fused Adam {result['fused_ratio']['median']:.2f}x), "
        f"step rewrite {result['rewrite_ratio']['median']:.2f}x; share of a "
        f"{peak['median']:.0f} GFLOP/s matmul: {100 * result['peak_fraction_before']['median']:.1f}% "
        f"before, {100 * result['peak_fraction']['median']:.1f}% now")
    return result


def main(argv=None) -> int:
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    run = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    started, load_before = time.perf_counter(), list(os.getloadavg())
    new = {"schema": 2, "latest_run": run, "runs": {}, "chapters": [], "widgets": [], "ratio": [],
           "skipped": [], "book": None, "throughput": None}
    covered = {"chapters": set(), "widgets": set(), "ratio": set(), "skipped": set()}
    failed = False
    if {"chapters", "widgets", "ratio"} & set(args.parts):
        failed |= measure_chapters(args, run, new, covered)
    if "book" in args.parts:
        new["book"], covered["book"] = measure_book(args, run), True
        failed |= bool(new["book"]["error"])
    if "throughput" in args.parts:
        covered["throughput"], covered["skipped"] = True, covered["skipped"] | {("throughput", "--")}
        new["throughput"] = measure_throughput(args, run)
        if new["throughput"] is None:
            new["skipped"].append({"run": run, "part": "throughput", "chapter": "--",
                                   "note": f"{throughput.DEBIAN_FASHION_MNIST} is missing "
                                           "(apt-get install dataset-fashion-mnist)"})
    new["runs"][run] = {"seconds": time.perf_counter() - started, "machine": machine_info(),
                        "git": git_state(), "parts": args.parts, "chapters": args.chapters or "all",
                        "load_before": load_before, "load_after": list(os.getloadavg()),
                        "options": {key: str(value) for key, value in vars(args).items()}}
    previous = args.out / "latest.json"
    partial = args.chapters or set(args.parts) != set(PARTS)
    old = json.loads(previous.read_text()) if partial and not args.fresh and previous.is_file() else None
    existing = {path.stem[:2] for path in (ROOT / "chapters").glob("*.ipynb")}
    merged = report.merge(old, new, covered, existing)
    json_path, md_path = report.write(merged, args.out)
    log(f"wrote {md_path} and {json_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
