"""The reader can see the checks: a cell that asserts a claim is collapsed, never removed.

A check (a code cell with an ``assert``) may be shown in full, or collapsed with ``hide-input``
(the figure or printout stays in view) or ``hide-cell`` (an exercise's worked solution). It is
never tagged ``remove-cell`` or ``remove-input``: the book promises that every claim is checked,
and the reader can open the check. A collapsed check's toggle says what it hides.
"""
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
REMOVED = {"remove-cell", "remove-input"}
COLLAPSED = {"hide-input", "hide-cell"}


def checks(path):
    """(index, cell) of each code cell of a chapter that asserts something."""
    notebook = nbformat.read(path, as_version=4)
    return [(index, cell) for index, cell in enumerate(notebook.cells)
            if cell.cell_type == "code" and any(line.lstrip().startswith("assert ")
                                                for line in cell.source.splitlines())]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name[:2])
def test_no_check_is_removed_from_the_page(path):
    removed = [index for index, cell in checks(path) if REMOVED & set(cell.metadata.get("tags", []))]
    assert not removed, f"{path.name}: checks tagged remove-*, use hide-input: cells {removed}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name[:2])
def test_a_collapsed_check_says_it_is_a_check_or_a_solution(path):
    unlabelled = []
    for index, cell in checks(path):
        if COLLAPSED & set(cell.metadata.get("tags", [])):
            prompt = cell.metadata.get("mystnb", {}).get("code_prompt_show", "")
            if "check" not in prompt and "solution" not in prompt:
                unlabelled.append(index)
    assert not unlabelled, (f"{path.name}: collapsed checks without a 'Show the check' (or "
                            f"solution) prompt in metadata.mystnb.code_prompt_show: {unlabelled}")
