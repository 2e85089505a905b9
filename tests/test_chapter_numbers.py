"""Numbers in prose come from the computation.

A measured figure a chapter's prose states is pasted with myst-nb's ``glue``
(``{glue:text}`name:.2f```), so the page shows what this run measured on whichever data set it
used. This test reads every markdown cell of every chapter (figure alt texts included) and finds
each number that looks measured: a decimal (``0.83``), a percentage (``12%``) or a number with a
unit (``105 nats``, ``8 bits``, ``3 degrees``, ``4×``). Numbers inside maths (``$...$``), code
spans, glue and citation roles do not count.

Settings, thresholds the checks use, constants and cited figures may be typed. A chapter lists
each such number it types, exactly as written, in its notebook metadata,
``{"aebook": {"typed_numbers": ["0.5", "1%", ...]}}``: any other number fails the test, and so
does a listed one the prose no longer contains (the list stays true).
"""
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))

UNIT = r"(?:nats?|bits?|degrees?|°|×|x\b|times\b|s\b|seconds?\b)"
NUMBER = re.compile(
    r"(?<![\w.,])(?:\d+(?:,\d{3})*(?:\.\d+)?\s*%"   # 12%, 0.5 %
    r"|\d+(?:,\d{3})*(?:\.\d+)?\s*" + UNIT +          # 105 nats, 8 bits, 4×
    r"|\d*\.\d+)(?!\w|\.\d)")                        # 0.83, .5; "5 nats." ends a sentence


def prose(markdown: str) -> str:
    """The text a reader reads as words: no maths, code, roles' targets, link targets or tags."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.S)        # code fences
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)          # display maths
    text = re.sub(r"(?<!\\)\$[^$]+\$", " ", text)                 # inline maths
    text = re.sub(r"\{[\w:-]+\}`[^`]*`", " ", text)               # {glue:text}`a:.2f`, {cite:p}`x`
    text = re.sub(r"`[^`]*`", " ", text)                          # code spans
    text = re.sub(r"\]\([^)]*\)", "]", text)                      # link targets
    text = re.sub(r"<[^>]+>", " ", text)                          # html tags
    text = re.sub(r"^\s*:(?!alt:)[\w-]+:.*$", " ", text, flags=re.M)  # directive options but alt
    return text


def typed_numbers(path):
    """{number as written: [cell indices]} for every measured-looking number in the prose."""
    notebook = nbformat.read(path, as_version=4)
    found = {}
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "markdown":
            for match in NUMBER.finditer(prose(cell.source)):
                found.setdefault(match.group(0), []).append(index)
    return found, notebook.metadata.get("aebook", {}).get("typed_numbers", [])


def test_the_pattern_finds_measured_looking_numbers_only():
    text = ("an error of 0.83 and 12% more, 105 nats, 8 bits, 3 degrees and 4×; "
            "$\\beta = 0.5$, `lr=1e-3`, {glue:text}`err:.2f`, 60,000 images, 2 layers, ch. 3, "
            "version 1.2.3, and it costs 5 nats. Or 0.25.")
    assert [m.group(0) for m in NUMBER.finditer(prose(text))] == [
        "0.83", "12%", "105 nats", "8 bits", "3 degrees", "4×", "5 nats", "0.25"]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.name[:2])
def test_every_measured_number_in_the_prose_is_glued(path):
    found, allowed = typed_numbers(path)
    unglued = {number: cells for number, cells in found.items() if number not in allowed}
    assert not unglued, (
        f"{path.name}: numbers typed into the prose (cells): {unglued}. Glue a measured one "
        f"(aebook.glue + {{glue:text}}); list a setting, threshold, constant or cited figure in "
        f"the notebook metadata aebook.typed_numbers")
    stale = sorted(set(allowed) - set(found))
    assert not stale, f"{path.name}: aebook.typed_numbers lists numbers the prose lacks: {stale}"
