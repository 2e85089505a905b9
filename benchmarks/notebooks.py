"""Chapter run times, the probes run in a chapter's kernel afterwards, and the book build.

A chapter runs with nbclient in a fresh kernel, timed from the kernel's start to the last cell's
reply. Then, in the same kernel and outside the timing, a probe cell finds the chapter's
``aebook.SliderView`` objects (bound to names, or only in IPython's ``Out`` when a widget was the
bare last expression of a cell), times live slider updates and reads named variables.
"""
from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

__all__ = ["DATA_ENV", "BOOK_SOURCES", "reseed", "run_chapter", "build_book", "PROBE_MARK"]

# Data set name -> environment for the kernel. Offline in both: the timing never waits on a mirror.
DATA_ENV = {
    "mnist": {"AEBOOK_DATASET": "mnist", "AEBOOK_OFFLINE": "1"},
    "fashion-mnist": {"AEBOOK_DATASET": "fashion-mnist", "AEBOOK_OFFLINE": "1"},
}
PROBE_MARK = "AEBOOK_BENCH_PROBE "

# Runs inside the chapter's kernel; VARIABLES and ROUNDS are filled in. Prints one JSON line.
_PROBE = r'''
def _aebook_bench_probe(variables, rounds):
    import json, time
    import aebook
    # Named widgets first, then those only in Out (a bare last expression), then _, _19, ...
    names = sorted(globals().items(), key=lambda item: item[0].startswith("_"))
    outputs = [(f"Out[{key}]", value) for key, value in dict(globals().get("Out", {})).items()]
    candidates = [item for item in names if not item[0].startswith("_")] + outputs + names
    views, seen = [], set()
    for name, value in candidates:
        if isinstance(value, aebook.SliderView) and id(value) not in seen:
            seen.add(id(value))
            views.append((name, value))
    widgets = []
    for name, view in views:
        live = view.live()
        for slider, values in view.sliders.items():
            control, count = live.controls[slider], len(values)
            # Far jumps and near ones: last, first, middle, quarters (distinct positions only).
            positions = list(dict.fromkeys([count - 1, 0, count // 2, count // 4, 3 * count // 4]))
            seconds, render_seconds, unchanged = [], [], 0
            for _ in range(rounds):
                for position in positions:
                    if control.value == values[position]:
                        continue
                    before = [image.value for image in live.images] + [live.text.value]
                    start = time.perf_counter()
                    control.value = values[position]  # observe callbacks run synchronously
                    seconds.append(time.perf_counter() - start)
                    unchanged += before == [image.value for image in live.images] + [live.text.value]
                    setting = {key: widget.value for key, widget in live.controls.items()}
                    start = time.perf_counter()
                    view.frame(**setting)
                    render_seconds.append(time.perf_counter() - start)
            control.value = values[0]
            widgets.append({"widget": name, "title": view.title, "slider": slider, "values": count,
                            "seconds": seconds, "render_seconds": render_seconds,
                            "unchanged": unchanged})
    found = {}
    for variable in variables:
        try:
            found[variable] = float(globals()[variable])
        except (KeyError, TypeError, ValueError, RuntimeError):
            pass
    return {"widgets": widgets, "variables": found}


print(MARK + json.dumps(_aebook_bench_probe(VARIABLES, ROUNDS)))
'''


def _probe_source(variables: list, rounds: int) -> str:
    return (f"import json\nMARK, VARIABLES, ROUNDS = {PROBE_MARK!r}, {list(variables)!r}, {int(rounds)}\n"
            + _PROBE)


def _cell_seconds(cell) -> float | None:
    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not start or not end:
        return None
    parse = lambda stamp: datetime.fromisoformat(stamp.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds()


def _first_line(source: str) -> str:
    lines = [line.strip() for line in source.splitlines()
             if line.strip() and not line.strip().startswith("#")]
    line = lines[0] if lines else ""
    return (line[:57] + "...") if len(line) > 60 else line


def _stdout(cell) -> str:
    return "".join(output.get("text", "") for output in cell.get("outputs", [])
                   if output.get("output_type") == "stream" and output.get("name") == "stdout")


def _run_probe(client, notebook, variables, rounds) -> dict:
    probe = nbformat.v4.new_code_cell(_probe_source(variables, rounds))
    notebook.cells.append(probe)
    try:
        client.execute_cell(probe, len(notebook.cells) - 1)
    except CellExecutionError as error:  # the chapter ran; only the probe failed
        return {"widgets": [], "variables": {}, "error": str(error).strip().splitlines()[-1]}
    lines = [line for line in _stdout(probe).splitlines() if line.startswith(PROBE_MARK)]
    if not lines:
        return {"widgets": [], "variables": {}, "error": "the probe printed nothing"}
    return {**json.loads(lines[-1][len(PROBE_MARK):]), "error": None}


def reseed(source: str, seed: int) -> str:
    """A chapter cell's ``source`` as it would read with every seed moved to run ``seed``.

    Seed 0 is the chapter as written. For ``seed`` S, ``aebook.setup(seed=0)`` becomes
    ``setup(seed=S)`` and every other literal seed k (``manual_seed(k)``, ``seed = k``, a keyword
    argument ``seed=k`` as in ``train(..., seed=0)``) becomes ``100 * S + k``: a chapter that
    seeds two models differently still does, in every run.
    """
    if seed == 0:
        return source
    source = re.sub(r"setup\(seed=(\d+)\)", lambda m: f"setup(seed={100 * seed + int(m[1])})"
                    if m[1] != "0" else f"setup(seed={seed})", source)
    source = re.sub(r"manual_seed\((\d+)\)", lambda m: f"manual_seed({100 * seed + int(m[1])})",
                    source)
    source = re.sub(r"(?<!setup\()\bseed=(\d+)\b",
                    lambda m: f"seed={100 * seed + int(m[1])}", source)
    return re.sub(r"^(\s*seed = )(\d+)\b", lambda m: f"{m[1]}{100 * seed + int(m[2])}", source,
                  flags=re.M)


def run_chapter(path: Path, data: str, *, probe_variables=(), probe_rounds: int = 0,
                timeout: int, save_to: Path | None = None, seed: int = 0) -> dict:
    """Execute one chapter in a fresh kernel with ``data``'s environment.

    Returns a dict: ``seconds`` (kernel start to last reply, None on error), ``kernel_start_s``,
    ``slowest_cells`` (the three slowest: index, seconds, first code line), ``data_line`` (the
    chapter's "Data: ..." line), ``error``, and ``probe`` (None unless ``probe_rounds`` > 0 or
    ``probe_variables``; else the probe's widgets and variables). ``save_to``: also write the
    executed notebook there, outputs included, to read the numbers the chapter printed.
    ``timeout``: seconds per cell (``make bench`` passes _config.yml's ``execute.timeout``).
    ``seed``: run the chapter with its seeds moved (``reseed``); 0 is the chapter as written.
    """
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.source = reseed(cell.source, seed)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", record_timing=True,
                            resources={"metadata": {"path": str(path.parent)}})
    environment = {**os.environ, "AEBOOK_PROGRESS": "0", **DATA_ENV[data]}
    result = {"seconds": None, "kernel_start_s": None, "slowest_cells": [], "data_line": None,
              "error": None, "probe": None}
    start = time.perf_counter()
    try:
        with client.setup_kernel(env=environment):
            result["kernel_start_s"] = time.perf_counter() - start
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
            result["seconds"] = time.perf_counter() - start
            if probe_rounds or probe_variables:
                result["probe"] = _run_probe(client, notebook, probe_variables, probe_rounds)
    except CellExecutionError as error:
        summary = str(error).strip().splitlines()
        result["error"] = f"{type(error).__name__}: " + (summary[-1] if summary else "")
    except Exception as error:  # a dead kernel, a timeout: report it, measure the rest
        result["error"] = f"{type(error).__name__}: {error}"
    cells = [(index, _cell_seconds(cell), cell.source) for index, cell in enumerate(notebook.cells)
             if cell.cell_type == "code" and not cell.source.startswith("import json\nMARK")]
    cells = sorted((cell for cell in cells if cell[1] is not None), key=lambda cell: -cell[1])
    result["slowest_cells"] = [{"index": index, "seconds": seconds, "code": _first_line(source)}
                               for index, seconds, source in cells[:3]]
    result["data_line"] = _data_line(notebook, data)
    if save_to is not None:
        save_to.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, save_to)
    return result


def _data_line(notebook, data: str = "mnist") -> str | None:
    """The chapter's "Data: ..." line from load_data, with its indented continuation lines: the
    first that names ``data`` (a chapter may load both data sets), else the first."""
    found = []
    for cell in notebook.cells:
        lines = _stdout(cell).splitlines() if cell.cell_type == "code" else []
        for index, line in enumerate(lines):
            if line.startswith("Data:"):
                rest = itertools.takewhile(lambda more: more.startswith(" "), lines[index + 1:])
                found.append(" ".join([line.strip()] + [more.strip() for more in rest]))
    named = [line for line in found if line.lower().startswith(f"data: {data} ")]
    return (named or found or [None])[0]


BOOK_SOURCES = {"tree": "the working tree (tracked and untracked, not ignored, files)",
                "head": "the last commit (git archive HEAD)"}
_NOT_BOOK = ("build/", "dist/", "_build/")  # packaging and build leftovers git does not ignore


def _copy_book(root: Path, copy: Path, source: str) -> None:
    """A fresh copy of the book: the committed tree, or the working tree as it stands."""
    copy.mkdir(parents=True)
    if source == "head":
        archive = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=root, check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(copy)], input=archive, check=True)
        return
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=root, check=True, capture_output=True).stdout.decode()
    for name in sorted(set(listing.split("\0"))):
        if name and (root / name).is_file() and not name.startswith(_NOT_BOOK):
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, copy / name)


def build_book(root: Path, source: str = "tree", timeout: int = 3600) -> dict:
    """``jupyter-book build --all`` of a fresh copy of the book (no _build, an empty cache).

    Args:
        source: ``"tree"`` (the working tree) or ``"head"`` (the last commit).
    Returns ``seconds`` (None on failure), ``warnings`` (count), ``error`` and ``log_tail``.
    """
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [str(jupyter_book) if jupyter_book.exists() else "jupyter-book", "build", "--all"]
    environment = {**os.environ, "AEBOOK_PROGRESS": "0", "AEBOOK_OFFLINE": "1"}
    environment.pop("AEBOOK_DATASET", None)
    with tempfile.TemporaryDirectory(prefix="aebook-book-") as folder:
        copy = Path(folder) / "book"
        _copy_book(root, copy, source)
        start = time.perf_counter()
        try:
            done = subprocess.run(command + [str(copy)], env=environment, capture_output=True,
                                  text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"seconds": None, "warnings": 0, "executed": {},
                    "error": f"timed out after {timeout} s", "log_tail": ""}
        seconds = time.perf_counter() - start
        log = done.stdout + done.stderr
        error = None
        if done.returncode != 0:
            error = f"jupyter-book exited with {done.returncode}"
        elif re.search(r"Executing notebook failed|Traceback \(most recent call last\)", log) \
                or not (copy / "_build" / "html" / "index.html").is_file():
            error = "a notebook failed to execute or no index.html was written (see log_tail)"
        # myst-nb logs "<docname>: Executed notebook in 45.12 seconds [mystnb]" for each chapter.
        executed = {Path(name).stem: float(value) for name, value in
                    re.findall(r"([\w/.-]+): Executed notebook in ([\d.]+) seconds", log)}
        # Sphinx's "WARNING: ...", not the kernel's "[IPKernelApp] WARNING | ..." on every notebook.
        return {"seconds": None if error else seconds, "warnings": len(re.findall(r"WARNING:", log)),
                "executed": executed, "error": error, "log_tail": log[-3000:] if error else ""}
