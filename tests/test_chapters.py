"""Specifications every chapter meets: listed in the table of contents, clean in git, the
canonical Colab cell first, short cells, and inline code that computes what its aebook twin does."""
import dataclasses
import importlib
import inspect
import json
from pathlib import Path

import pytest
import torch
import yaml

import aebook

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
MAX_CELL_LINES = 30


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def code_cells(notebook: dict) -> list:
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def canonical_install_cell() -> str:
    """The first code cell of every chapter; the repository URL comes from _config.yml."""
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    return ("# In Colab, install the book's helper package (elsewhere it is installed).\n"
            "import sys\n"
            "\n"
            'if "google.colab" in sys.modules:\n'
            f'    %pip install -q "aebook @ git+{url}"')


def twin_cells():
    for path in CHAPTERS:
        for cell in code_cells(load(path)):
            twin = cell["metadata"].get("aebook", {}).get("twin")
            if twin:
                yield pytest.param(cell, id=f"{path.stem}:{twin}")


def test_every_chapter_is_in_the_toc_and_every_toc_entry_exists():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [entry["file"] for part in toc.get("parts", [toc]) for entry in part["chapters"]]
    chapters = [file for file in files if file.startswith("chapters/")]
    assert chapters, "_toc.yml lists no chapter"  # else every per-chapter test below is empty
    assert chapters == sorted(chapters), "chapters in _toc.yml are out of order"
    assert chapters == [f"chapters/{path.stem}" for path in CHAPTERS]
    assert files[-1] == "references"
    assert (ROOT / f"{toc['root']}.md").is_file()


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.stem)
def test_notebook_is_clean(path):
    for cell in code_cells(load(path)):
        assert cell["outputs"] == [] and cell["execution_count"] is None, \
            f"{path.name}: outputs or execution counts in git; clear them (the book executes notebooks)"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.stem)
def test_first_code_cell_is_the_canonical_colab_install_cell(path):
    first = code_cells(load(path))[0]
    assert source(first).strip() == canonical_install_cell()
    assert "remove-cell" in first["metadata"].get("tags", [])


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda path: path.stem)
def test_cells_stay_short(path):
    for cell in code_cells(load(path)):
        assert len(source(cell).splitlines()) <= MAX_CELL_LINES, \
            f"{path.name}: a cell of {len(source(cell).splitlines())} lines; split it"


@pytest.mark.parametrize("cell", list(twin_cells()))
def test_inline_code_computes_the_same_as_its_aebook_twin(cell):
    """A cell with metadata {"aebook": {"twin": "aebook.x.Name", "example": "...", "init": "..."}}
    defines Name inline; its arguments are the twin's, with the same defaults, and, built from
    the same seed with the chapter's own arguments ("init") and fed the same example, both agree.
    The cell may use only torch, nn, F and aebook: it holds the definition and nothing else."""
    meta = cell["metadata"]["aebook"]
    module_name, name = meta["twin"].rsplit(".", 1)
    namespace = {"torch": torch, "nn": torch.nn, "F": torch.nn.functional, "aebook": aebook}
    exec(source(cell), namespace)
    inline, twin = namespace[name], getattr(importlib.import_module(module_name), name)
    example = eval(meta.get("example", "(torch.rand(4, 784),)"), {"torch": torch})
    example = example if isinstance(example, tuple) else (example,)
    init = eval(f"dict({meta.get('init', '')})", {"torch": torch})
    inline_parameters = inspect.signature(inline).parameters
    twin_parameters = inspect.signature(twin).parameters
    for argument, parameter in inline_parameters.items():
        assert argument in twin_parameters, f"the inline {argument!r} is not an argument of {meta['twin']}"
        assert twin_parameters[argument].default == parameter.default, \
            f"{argument!r} defaults to {parameter.default!r} inline, {twin_parameters[argument].default!r} in the package"
    for argument, parameter in twin_parameters.items():
        assert argument in inline_parameters or parameter.default is not inspect.Parameter.empty, \
            f"{meta['twin']} requires {argument!r}, which the inline version does not take"
    if isinstance(inline, type):
        torch.manual_seed(0)
        inline = inline(**init)
        torch.manual_seed(0)
        twin = twin(**init)
        assert inline.state_dict().keys() == twin.state_dict().keys()
    torch.manual_seed(1)
    expected = inline(*example)
    torch.manual_seed(1)
    actual = twin(*example)
    def parts(out):
        if dataclasses.is_dataclass(out):
            return dataclasses.astuple(out)
        return out if isinstance(out, tuple) else (out,)
    for a, b in zip(parts(expected), parts(actual), strict=True):
        assert torch.allclose(a, b, atol=1e-5)
