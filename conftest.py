"""One execution per chapter in ``make test``.

nbval runs each chapter top to bottom in a fresh kernel. When every cell of a chapter passes,
this plugin writes the chapter with the outputs nbval collected into the book's execution cache
(``_build/.jupyter_cache``, the jupyter-cache that ``execute_notebooks: cache`` reads), keyed as
myst-nb keys it: by the code cells and their metadata. The strict ``jupyter-book build`` that
``make test`` runs next finds every chapter there and executes none again. A chapter that fails
is not cached; the build then executes it and fails on it too.

Active only with ``--nbval-cache DIR`` (the Makefile passes it).

The cell timeout lives in one place, ``_config.yml`` (``execute.timeout``, what the book build
uses): unless ``--nbval-cell-timeout`` is given, nbval gets the same.
"""
from __future__ import annotations

import copy
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent


def cell_timeout() -> int:
    """Seconds per notebook cell: _config.yml's execute.timeout."""
    return yaml.safe_load((ROOT / "_config.yml").read_text())["execute"]["timeout"]


def _ends_with_semicolon(source: str) -> bool:
    """Whether IPython would hide the cell's value: its last statement ends with ";"."""
    from IPython.core.displayhook import DisplayHook

    return DisplayHook.semicolon_at_end_of_expression(source)


def pytest_addoption(parser):
    parser.addoption("--nbval-cache", default=None, metavar="DIR",
                     help="store each chapter that nbval ran without a failure in this "
                          "jupyter-cache folder, with its outputs")


class _Recorder:
    def __init__(self, folder: Path):
        self.folder = folder
        self.cells = {}      # notebook path -> [(cell index, outputs)]
        self.failed = set()  # notebook paths with a failed or skipped cell
        self.started = {}    # notebook path -> when its first cell started
        self.finished = {}   # notebook path -> when its last cell ended
        self.cached = []

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if not hasattr(item, "test_outputs") or not hasattr(item.parent, "nb"):
            return
        path = str(item.parent.path)
        self.started.setdefault(path, time.perf_counter())
        if report.failed or report.skipped:
            self.failed.add(path)
        elif report.when == "call":
            self.cells.setdefault(path, []).append((item.cell_num, item.test_outputs or []))
        self.finished[path] = time.perf_counter()

    def pytest_collection_finish(self, session):
        self.notebooks = {}
        for item in session.items:
            if hasattr(item, "cell_num") and hasattr(item.parent, "nb"):
                self.notebooks.setdefault(str(item.parent.path), (item.parent, 0))
                parent, count = self.notebooks[str(item.parent.path)]
                self.notebooks[str(item.parent.path)] = (parent, count + 1)

    def pytest_sessionfinish(self, session):
        from jupyter_cache import get_cache
        from jupyter_cache.base import CacheBundleIn

        for path, (parent, count) in getattr(self, "notebooks", {}).items():
            ran = self.cells.get(path, [])
            if path in self.failed or len(ran) != count:
                continue
            notebook = copy.deepcopy(parent.nb)
            outputs = dict(ran)
            for number, cell in enumerate(c for c in notebook.cells if c.cell_type == "code"):
                cell.execution_count = number + 1
                cell.outputs = copy.deepcopy(outputs[number])
                if _ends_with_semicolon(cell.source):
                    # nbval executes without storing history, and IPython then cannot see the
                    # trailing ";" that hides a cell's value (`axis.legend();`): drop it here as
                    # Jupyter would, so no "<matplotlib.legend.Legend at 0x...>" reaches the page.
                    cell.outputs = [output for output in cell.outputs
                                    if output.get("output_type") != "execute_result"]
                for output in cell.outputs:
                    if output.get("output_type") == "execute_result":
                        output["execution_count"] = number + 1
            seconds = self.finished[path] - self.started[path]
            get_cache(str(self.folder)).cache_notebook_bundle(
                CacheBundleIn(notebook, path, data={"execution_seconds": seconds}),
                check_validity=False, overwrite=True)
            self.cached.append((Path(path).stem, seconds))

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.write_line(
            f"nbval-cache: {len(self.cached)} chapter(s) stored in {self.folder} for the book build")
        for name, seconds in sorted(self.cached):
            terminalreporter.write_line(f"  {name}: {seconds:.1f} s, first cell to last")


def pytest_configure(config):
    given = any(arg.startswith("--nbval-cell-timeout") for arg in config.invocation_params.args)
    if hasattr(config.option, "nbval_cell_timeout") and not given:
        config.option.nbval_cell_timeout = cell_timeout()
    folder = config.getoption("--nbval-cache")
    if folder:
        config.pluginmanager.register(_Recorder(Path(folder).resolve()), "nbval-cache")
