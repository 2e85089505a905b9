"""The twin rule, both ways.

``test_chapters.py`` checks one way: code a chapter declares as the twin of a package name
(cell metadata ``{"aebook": {"twin": "aebook.<module>.<Name>"}}``) computes what the package's
does. This file checks the other way, so that one name means one thing across the book:

- a chapter defines a function or class (at the top level of a code cell) under a name the
  package exports only in a cell that declares it as its twin; the twin's own building blocks,
  exported by the twin's module and used in the twin's definition, count with it. Otherwise the
  chapter imports the package's function, or gives a different function a different name;
- two chapters do not define the same name differently: a helper written twice is written alike
  (two cells declared as twins of one package name both compute the package's, so they agree).
"""
import ast
import importlib
import pkgutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

import aebook

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
# The one name every chapter may define its own way: the callback that draws the chapter's own
# widget (aebook.SliderView(render, ...)); it is the chapter's figure, not a helper.
PER_CHAPTER = {"render"}
# Chapter 10 forks aebook.train.train_vae under its name; the train branch of issue #21 gives the
# package's train_vae the arguments chapter 10 needs and makes the chapter use it.
def exported_names() -> dict:
    """{name: [modules]}: every name in the __all__ of aebook and of each public module under it."""
    modules = [aebook] + [importlib.import_module(info.name) for info in
                          pkgutil.walk_packages(aebook.__path__, "aebook.")
                          if not any(part.startswith("_") for part in info.name.split("."))]
    names = defaultdict(list)
    for module in modules:
        for name in getattr(module, "__all__", ()):
            names[name].append(module.__name__)
    return dict(names)


EXPORTED = exported_names()


@dataclass
class Definition:
    chapter: str  # "01"
    cell: int  # index among the notebook's cells
    name: str
    node: ast.AST
    twin: str | None  # the cell's declared twin, "aebook.models.VAE"
    twin_node: ast.AST | None  # the twin's definition in the same cell

    def code(self) -> str:
        """The definition without its docstring, as the AST prints it: equal for equal code."""
        node = self.node
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            node = type(node)(**{**{field: getattr(node, field) for field in node._fields},
                                 "body": body[1:] or [ast.Pass()]})
        return ast.dump(node)


def top_level_definitions(tree: ast.Module) -> dict:
    """{name: node} for the functions, classes and named lambdas a cell defines at its top level."""
    found = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found[node.name] = node
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
            found.update({target.id: node for target in node.targets if isinstance(target, ast.Name)})
    return found


def definitions(path: Path) -> list:
    found = []
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type != "code":
            continue
        defined = top_level_definitions(ast.parse(TransformerManager().transform_cell(cell.source)))
        twin = cell.metadata.get("aebook", {}).get("twin")
        twin_node = defined.get(twin.rsplit(".", 1)[1]) if twin else None
        found += [Definition(path.stem[:2], index, name, node, twin, twin_node)
                  for name, node in defined.items()]
    return found


def declared(definition: Definition) -> bool:
    """The cell declares this name as its twin, or as a building block of its twin."""
    if definition.twin is None:
        return False
    module, twin_name = definition.twin.rsplit(".", 1)
    if definition.name == twin_name:
        return True
    used_by_twin = definition.twin_node is not None and any(
        isinstance(node, ast.Name) and node.id == definition.name
        for node in ast.walk(definition.twin_node))
    # the module named in the metadata, or the one that defines the twin (aebook.models.conv
    # for aebook.models.FullyConvAutoencoder)
    homes = {module, getattr(importlib.import_module(module), twin_name).__module__}
    return used_by_twin and bool(homes & set(EXPORTED.get(definition.name, [])))


def test_the_package_exports_are_found():
    assert {"gradient_energy", "load_data", "VAE", "train"} <= set(EXPORTED)


@pytest.mark.parametrize("path", CHAPTERS, ids=[path.stem for path in CHAPTERS])
def test_a_chapter_defines_a_package_name_only_as_its_declared_twin(path):
    copies = [f"cell {d.cell} defines {d.name}, which {', '.join(EXPORTED[d.name])} exports"
              for d in definitions(path) if d.name in EXPORTED and not declared(d)]
    assert not copies, (
        f"{path.name}: " + "; ".join(copies) + ". Import the package's, or declare the cell its "
        'twin ({"aebook": {"twin": "aebook.<module>.<name>"}}) and match it, or give a different '
        "function a different name.")


def test_two_chapters_define_a_name_alike_or_not_at_all():
    by_name = defaultdict(list)
    for path in CHAPTERS:
        for definition in definitions(path):
            if definition.name not in PER_CHAPTER:
                by_name[definition.name].append(definition)
    def meaning(definition):  # declared twins of one package name all mean the package's
        return f"aebook's {definition.name}" if declared(definition) else definition.code()

    differing = {name: sorted({d.chapter for d in found}) for name, found in by_name.items()
                 if len({meaning(d) for d in found}) > 1 and len({d.chapter for d in found}) > 1}
    assert not differing, "one name, several definitions: " + "; ".join(
        f"{name} in chapters {', '.join(chapters)}" for name, chapters in sorted(differing.items()))
