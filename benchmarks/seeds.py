"""Do the chapters' claims hold for other seeds? Run chapters with seeds 0, 1, 2 on both data sets.

    python -m benchmarks.seeds                                   # every chapter, seeds 0,1,2, both data sets
    python -m benchmarks.seeds --chapters 12 --seeds 1,2 --datasets mnist

Each run executes the chapter top to bottom in a fresh kernel with its seeds moved
(``notebooks.reseed``: seed S runs ``aebook.setup(seed=S)`` and every other seed k as 100·S + k),
so every ``assert`` in it is checked again on new draws. Prints one line a run, a table at the
end, and exits 1 when any run failed. ``--executed DIR`` keeps the executed notebooks.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

from . import notebooks

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.seeds", description=__doc__.split("\n")[0])
    parser.add_argument("--chapters", default="", help="chapter prefixes, e.g. 01,12; empty: every chapter")
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated seeds")
    parser.add_argument("--datasets", default="mnist,fashion-mnist", help="comma-separated data sets")
    parser.add_argument("--executed", type=Path, default=None, help="folder for the executed notebooks")
    args = parser.parse_args(argv)
    seeds = [int(seed) for seed in args.seeds.split(",") if seed.strip()]
    datasets = [name.strip() for name in args.datasets.split(",") if name.strip()]
    unknown = sorted(set(datasets) - set(notebooks.DATA_ENV))
    if unknown:
        parser.error(f"unknown data sets {unknown}; expected some of {sorted(notebooks.DATA_ENV)}")
    prefixes = [prefix.strip() for prefix in args.chapters.split(",") if prefix.strip()]
    paths = sorted(path for path in (ROOT / "chapters").glob("[0-9][0-9]_*.ipynb")
                   if not prefixes or path.name[:2] in prefixes)
    timeout = yaml.safe_load((ROOT / "_config.yml").read_text())["execute"]["timeout"]
    rows = []
    for path in paths:
        for data in datasets:
            for seed in seeds:
                save_to = args.executed / f"{path.stem}.{data}.seed{seed}.ipynb" if args.executed else None
                start = time.perf_counter()
                result = notebooks.run_chapter(path, data, timeout=timeout, seed=seed, save_to=save_to)
                seconds = time.perf_counter() - start
                rows.append((path.stem, data, seed, seconds, result["error"]))
                print(f"{path.stem} {data} seed {seed}: {seconds:.1f} s "
                      f"{'FAILED ' + result['error'] if result['error'] else 'ok'}", flush=True)
    print("\n| chapter | data | seed | s | result |\n| --- | --- | --- | --- | --- |")
    for stem, data, seed, seconds, error in rows:
        print(f"| {stem} | {data} | {seed} | {seconds:.1f} | {error or 'ok'} |")
    return 1 if any(row[-1] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
