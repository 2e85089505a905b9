"""A chapter that shows both data sets runs where only one is available: it loads them with
``aebook.data.load_available``, says which it used and which it left out, and every cell passes.

The second test executes each such chapter (chapters 4 and 14, under a minute each on 2
cores with MNIST alone) in a fresh kernel with Fashion-MNIST hidden (``AEBOOK_HIDE_DATASETS``),
as on a machine without Debian's ``dataset-fashion-mnist`` and without a network. It belongs to ``make test``, not to
``make unit``.
"""
import ast
from pathlib import Path

import nbformat
import pytest
import yaml
from IPython.core.inputtransformer2 import TransformerManager

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
CELL_TIMEOUT = yaml.safe_load((ROOT / "_config.yml").read_text())["execute"]["timeout"]


def code(path: Path) -> list:
    """The chapter's code cells as (cell, Python source with IPython's magics turned into calls)."""
    notebook = nbformat.read(path, as_version=4)
    return [(cell, TransformerManager().transform_cell(cell.source))
            for cell in notebook.cells if cell.cell_type == "code"]


def calls(source: str, name: str) -> list:
    """Every call of ``name`` or ``something.name`` in the source."""
    return [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == name]


SHOW_BOTH = [path for path in CHAPTERS
             if any(calls(source, "load_available") for _, source in code(path))]


def test_a_chapter_names_a_data_set_only_through_load_available():
    """``load_data()`` without a name follows ``AEBOOK_DATASET`` and always finds MNIST's offline
    subset; ``load_data("fashion-mnist")`` fails where that data set is missing. A chapter that
    wants data sets by name asks ``load_available``, which leaves out what is missing."""
    for path in CHAPTERS:
        for _, source in code(path):
            for call in calls(source, "load_data"):
                assert not call.args and "name" not in {kw.arg for kw in call.keywords}, \
                    f"{path.name}: {ast.unparse(call)} names a data set; use load_available"
    assert SHOW_BOTH, "no chapter shows both data sets any more: the test below runs none"


@pytest.mark.parametrize("path", SHOW_BOTH, ids=lambda path: path.stem)
def test_a_chapter_that_shows_both_data_sets_runs_with_fashion_mnist_hidden(path, tmp_path,
                                                                              monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setenv("AEBOOK_HIDE_DATASETS", "fashion-mnist")
    monkeypatch.setenv("AEBOOK_OFFLINE", "1")
    monkeypatch.setenv("AEBOOK_PROGRESS", "0")
    monkeypatch.setenv("AEBOOK_DATA", str(tmp_path))  # no cached files from an earlier run
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails

    def printed(cell):
        return "".join(output.get("text", "") for output in cell.get("outputs", [])
                       if output.get("output_type") == "stream")

    (loading,) = [cell for cell in notebook.cells
                  if cell.cell_type == "code" and calls(
                      TransformerManager().transform_cell(cell.source), "load_available")]
    lines = " ".join(printed(loading).split())  # lines are wrapped to fit a page
    assert "Data: MNIST" in lines, "the chapter should say which data set it used"
    assert "Left out: Fashion-MNIST" in lines, "the chapter should say which it left out"
    everything = "".join(printed(cell) for cell in notebook.cells if cell.cell_type == "code")
    assert "Data: Fashion-MNIST" not in everything
