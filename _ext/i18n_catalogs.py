"""Refresh the translation catalogs from the English: ``make i18n`` (``python _ext/i18n_catalogs.py``).

1. Sphinx's gettext builder reads the book as ``_config.yml``/``_toc.yml`` define it, with
   execution off (nothing runs; the prose does not depend on outputs), one template per page
   (``gettext_compact`` off), into ``_build/i18n/gettext`` (its own folder: the English build's
   doctrees and ``jupyter_execute`` stay untouched). ``i18n_edition`` (registered in
   ``_config.yml``) makes table cells and captions extractable.
2. The prose that lives in cell metadata (figure captions, alt text, collapsed cells' labels:
   ``i18n_edition.METADATA_FIELDS``) is added to each notebook's template.
3. Every ``locales/<lang>/LC_MESSAGES/<page>.po`` is updated from its template with babel: a new
   msgid comes in untranslated, a changed one keeps its old translation marked fuzzy, a removed
   one is dropped. A page without a catalog gets one.

tests/test_i18n.py extracts the same way into a temporary folder and checks the catalogs cover
every msgid, with no untranslated or fuzzy entry.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

from babel.messages.catalog import Catalog  # noqa: E402
from babel.messages.pofile import read_po, write_po  # noqa: E402
from i18n_edition import METADATA_FIELDS  # noqa: E402

LANGUAGES = ("ko",)


def metadata_strings(notebook: Path):
    """(text, cell number) of every metadata field myst-nb renders as prose."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    for number, cell in enumerate(cells):
        mystnb = cell.get("metadata", {}).get("mystnb", {})
        for path in METADATA_FIELDS:
            value = mystnb
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            if isinstance(value, str) and value.strip():
                yield value, number


def extract(outdir: Path, root: Path = ROOT) -> dict:
    """The templates of the book at ``root``: {docname: babel Catalog}, metadata prose included.
    Sphinx writes them (and its doctrees) under ``outdir``."""
    from jupyter_book.sphinx import build_sphinx

    outdir = Path(outdir).resolve()
    status = build_sphinx(
        root, outdir, use_external_toc=True, noconfig=True, path_config=str(root / "_config.yml"),
        confoverrides={"external_toc_path": str(root / "_toc.yml"), "nb_execution_mode": "off",
                       "gettext_compact": False, "latex_individualpages": False,
                       "suppress_warnings": ["mystnb.glue"]},  # no values: execution is off
        doctreedir=outdir / ".doctrees", builder="gettext", freshenv=True, quiet=True)
    if status not in (0, None):
        raise SystemExit(f"the gettext extraction failed: {status!r}")
    templates = {}
    for pot in sorted(outdir.rglob("*.pot")):
        docname = pot.relative_to(outdir).with_suffix("").as_posix()
        if not any((root / f"{docname}{suffix}").is_file() for suffix in (".md", ".ipynb")):
            continue  # sphinx.pot: the theme's strings, which the theme translates itself
        with pot.open("rb") as handle:
            templates[docname] = read_po(handle)
    # Sphinx writes each location relative to the folder it writes into; the catalogs keep them
    # as if that were _build/gettext ("../../chapters/05_the_elbo.ipynb:20004"), wherever it was.
    anchor = root / "_build" / "gettext"
    for docname, template in templates.items():
        for message in template:
            message.locations = [(os.path.relpath((outdir / path).resolve(), anchor), line)
                                 for path, line in message.locations]
        notebook = root / f"{docname}.ipynb"
        if notebook.is_file():
            path = os.path.relpath(notebook.resolve(), anchor)
            for text, number in metadata_strings(notebook):
                # Cell numbers past any line number: the location says "metadata of cell N".
                template.add(text, locations=[(path, 1000000 + number)])
    if not templates:
        raise SystemExit("the gettext extraction produced no catalog")
    return templates


def update(templates: dict, locales: Path, language: str) -> list:
    """Update (or create) ``locales/<language>/LC_MESSAGES/<docname>.po`` from each template;
    returns a line per catalog with its counts."""
    report = []
    for docname, template in templates.items():
        path = locales / language / "LC_MESSAGES" / f"{docname}.po"
        if path.is_file():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
        else:
            catalog = Catalog(locale=language, project="aebook", fuzzy=False)
        catalog.update(template, no_fuzzy_matching=False, update_creation_date=False)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=0, ignore_obsolete=True)
        messages = [message for message in catalog if message.id]
        untranslated = sum(not message.string for message in messages)
        fuzzy = sum(bool(message.string) and message.fuzzy for message in messages)
        report.append(f"{path.relative_to(locales.parent)}: {len(messages)} entries, "
                      f"{untranslated} untranslated, {fuzzy} fuzzy")
    known = {locales / language / "LC_MESSAGES" / f"{docname}.po" for docname in templates}
    for stale in sorted((locales / language / "LC_MESSAGES").rglob("*.po")):
        if stale not in known:
            report.append(f"{stale.relative_to(locales.parent)}: no page of the book has this "
                          "catalog any more (delete it)")
    return report


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gettext", type=Path, default=ROOT / "_build" / "i18n" / "gettext",
                        help="where Sphinx writes the templates (default: %(default)s)")
    parser.add_argument("--locales", type=Path, default=ROOT / "locales")
    args = parser.parse_args(argv)
    templates = extract(args.gettext)
    for language in LANGUAGES:
        for line in update(templates, args.locales, language):
            print(line)


if __name__ == "__main__":
    main()
