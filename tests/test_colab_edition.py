"""The Colab edition (_ext/colab_edition.py): each conversion on small strings, then the edition
the build wrote (_build/html/colab), found as tests/test_book.py finds the built book."""
import importlib.util
import re
from pathlib import Path

import nbformat
import pytest
import yaml
from pybtex.database import parse_string

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
EDITION = HTML / "colab"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())

spec = importlib.util.spec_from_file_location("colab_edition", ROOT / "_ext" / "colab_edition.py")
colab = importlib.util.module_from_spec(spec)
spec.loader.exec_module(colab)


def cite(keys, textual):
    return f"<{'t' if textual else 'p'}:{'+'.join(keys)}>"


def link(kind, target):
    return f"Title of {target}", f"https://book/{kind}/{target}"


def glue(key, fmt):
    return f"<{key}|{fmt}>"


def convert(markdown):
    return colab.convert(markdown, cite=cite, link=link, glue=glue)


def test_citations_pass_their_keys_and_kind():
    assert convert("{cite:t}`kingma2014` and {cite:p}`a2020, b2021`.") == "<t:kingma2014> and <p:a2020+b2021>."
    assert convert("{cite}`a2020`") == "<p:a2020>"


def test_doc_and_ref_become_links_with_the_target_title_or_their_own():
    assert convert("See {doc}`05_the_elbo`.") == "See [Title of 05_the_elbo](https://book/doc/05_the_elbo)."
    assert convert("the {ref}`primer <kl-primer>`") == "the [primer](https://book/ref/kl-primer)"


def test_glue_keeps_the_format_myst_nb_uses():
    assert convert("{glue:text}`gap:.3f` and {glue:text}`count`") == "<gap|.3f> and <count|s>"
    assert convert("{glue}`gap`") == "<gap|>"
    assert colab.glue_text("0.2030561294446715", ".0%") == "20%"
    assert colab.glue_text("1.189125657081604", ".3f") == "1.189"
    assert colab.glue_text("10000", "s") == "10000"


def test_math_role_becomes_dollars():
    assert convert("{math}`x^2`") == "$x^2$"


def test_dropdown_becomes_details_with_its_body_converted():
    source = ("Before.\n\n:::{dropdown} Solution to exercise 1\n**Solution.** As {cite:t}`k` shows:\n\n"
              "```python\nx = 1\n```\n:::\nAfter.")
    assert convert(source) == ("Before.\n\n<details>\n<summary>Solution to exercise 1</summary>\n\n"
                               "**Solution.** As <t:k> shows:\n\n```python\nx = 1\n```\n\n</details>\nAfter.")
    assert convert("```{dropdown}\n:open:\nText\n```").startswith("<details open>\n<summary>Details</summary>")


def test_nested_directives_are_converted_inside_out():
    source = "::::{note}\nOuter.\n:::{dropdown} Inner\nHidden.\n:::\n::::"
    assert convert(source) == ("> **Note**\n>\n> Outer.\n> <details>\n> <summary>Inner</summary>\n>\n"
                               "> Hidden.\n>\n> </details>")


def test_admonitions_become_quotes_with_a_bold_title():
    assert convert(":::{warning}\nMind the gap.\n:::") == "> **Warning**\n>\n> Mind the gap."
    assert convert(":::{admonition} Why 0.18215\nA scale.\n:::") == "> **Why 0.18215**\n>\n> A scale."


def test_a_target_becomes_an_anchor_and_the_heading_stays_a_heading():
    assert convert("(kl-primer)=\n## A primer") == '<a id="kl-primer"></a>\n## A primer'


def test_inline_code_and_unknown_syntax_are_left_and_reported():
    assert convert("Write `{x}` in an f-string.") == "Write `{x}` in an f-string."
    assert colab.leftovers("Write `{x}` in an f-string.") == []
    unknown = "{numref}`fig-a`\n\n```{figure} a.png\nCaption.\n```"
    assert convert(unknown) == unknown
    assert colab.leftovers(unknown) == ["{numref}`", "```{"]
    assert colab.leftovers("(label)=") == ["(label)="]


def test_author_year_names_as_the_book_does():
    entries = parse_string(r"""
        @article{one, author = {S{\o}nderby, Casper}, year = {2016}}
        @article{two, author = {Kingma, Diederik P. and Welling, Max}, year = {2014}}
        @article{three, author = {Rezende, D. and Mohamed, S. and Wierstra, D.}, year = {2014}}
        @article{von, author = {Dupr{\'e} la Tour, Tom}, year = {2024}}
    """, "bibtex").entries
    assert colab.author_year(entries["one"]) == ("Sønderby", "2016")
    assert colab.author_year(entries["two"]) == ("Kingma and Welling", "2014")
    assert colab.author_year(entries["three"]) == ("Rezende et al.", "2014")
    assert colab.author_year(entries["von"]) == ("Dupré la Tour", "2024")


def test_addresses():
    assert colab.book_url("https://github.com/aebook/aebook") == "https://aebook.github.io/aebook/"
    assert colab.colab_url("https://github.com/aebook/aebook", "chapters/05_the_elbo") == (
        "https://colab.research.google.com/github/aebook/aebook/blob/colab/chapters/05_the_elbo.ipynb")


# The edition the build wrote.

def toc_chapters() -> list:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [entry["file"] for part in toc.get("parts", [toc]) for entry in part["chapters"]]
    return [file for file in files if file.startswith("chapters/")]


@pytest.fixture(scope="module")
def edition() -> dict:
    if not (EDITION / "chapters").is_dir():
        pytest.skip("the book is not built (no _build/html/colab): run `make book`")
    built = min(path.stat().st_mtime for path in (EDITION / "chapters").glob("*.ipynb"))
    if any((ROOT / f"{docname}.ipynb").stat().st_mtime > built for docname in toc_chapters()):
        pytest.skip("a chapter changed since the book was built: run `make book`")
    return {path.relative_to(EDITION).with_suffix("").as_posix(): nbformat.read(path, as_version=4)
            for path in sorted((EDITION / "chapters").glob("*.ipynb"))}


def test_the_edition_has_one_notebook_per_chapter(edition):
    assert sorted(edition) == sorted(toc_chapters())


def test_no_myst_is_left_in_the_edition(edition):
    for docname, notebook in edition.items():
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                found = re.findall(r"\{[\w:-]+\}`|^[ \t]*(?:```|:::)[ \t]*\{|^\([\w.:-]+\)=", cell.source, re.M)
                assert not found, f"{docname}: {found} left in {cell.source[:200]!r}"


def test_the_edition_runs_the_chapters_code_without_outputs(edition):
    for docname, notebook in edition.items():
        chapter = nbformat.read(ROOT / f"{docname}.ipynb", as_version=4)
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        assert [cell.source for cell in code] == [cell.source for cell in chapter.cells
                                                  if cell.cell_type == "code"], docname
        assert all(not cell.outputs and cell.execution_count is None for cell in code), docname
        assert "google.colab" in code[0].source and "%pip install" in code[0].source, docname


def test_every_chapter_page_opens_its_colab_edition(edition):
    repository = CONFIG["repository"]["url"]
    for docname in toc_chapters():
        page = (HTML / f"{docname}.html").read_text()
        assert colab.colab_url(repository, docname) in page, f"{docname}: no button to the colab branch"
        assert "/blob/main/" not in "".join(re.findall(r"colab\.research\.google\.com/\S+", page)), docname
