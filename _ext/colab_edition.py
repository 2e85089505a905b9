"""The Colab edition: every chapter as Jupyter and Colab show it, generated from the chapter itself.

Jupyter and Colab render Markdown, not MyST: a ``{cite:t}`` role, a ``{doc}`` link, a
``:::{dropdown}`` fence or a ``{glue:text}`` value would show as source text there. When the book
has been built, this extension writes ``_build/html/colab/chapters/<chapter>.ipynb`` for every
chapter, its Markdown cells rewritten (``convert``):

- ``{cite:t}``/``{cite:p}``: author-year text, each citation a link to its entry on the book's
  references page;
- ``{doc}``, ``{ref}``: links to the page or section of the rendered book;
- ``{glue:text}``/``{glue}``: the value this build measured, formatted as the page shows it; where
  the build did not execute the chapter (``execute_notebooks: off``) there is no value, and the
  text says "(value computed when the chapter runs)" instead;
- ``{math}``: ``$...$``;
- dropdowns (the exercises' solutions): ``<details>`` blocks; admonitions (note, tip, warning,
  ...): a quote with a bold title;
- ``(label)=`` targets: HTML anchors.

In a translated build (``language: ko``, ``_config.ko.yml``) the Markdown cells are first
translated block by block through the page's catalog (``i18n_edition.translate_markdown``: the
same msgids the HTML is translated with) and the edition is written to
``_build/ko/_build/html/colab``, which ``make book`` copies to ``_build/html/ko/colab`` (the
Korean site) and ``_build/html/colab/ko`` (the colab branch's ``ko/`` folder, what the Korean
pages' Colab buttons open).

Anything else MyST (a role or directive no chapter used when this was written) is left as it is
and logged as a warning, so the strict build (``make book``/``make test``) fails until it is
handled here. Code cells are copied without outputs; the install cell stays, so the notebook runs
in Colab. Each chapter page's Colab button then opens the chapter's Colab edition: the workflow
publishes ``_build/html/colab`` as the repository's ``colab`` branch with the book
(``.github/workflows/ci.yml``), since Colab opens notebooks from GitHub, not from a web page.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
from sphinx.util import docname_join, logging

LOGGER = logging.getLogger(__name__)

BRANCH = "colab"  # the branch the workflow publishes the Colab edition to
FOLDER = "colab"  # under the built HTML; its contents become that branch
PLACEHOLDER = "(value computed when the chapter runs)"
# A translated edition's folder, on the site and on the colab branch (i18n_edition.EDITIONS).
EDITIONS = {"en": "", "ko": "ko/"}
PLACEHOLDERS = {"ko": "(장을 실행하면 계산되는 값)"}
NOTICES = {
    "en": ("*The Colab edition of a chapter of [{title}]({url}), generated from the book's source "
           "when the book was built. The numbers in the text are the ones that build measured; the "
           "cells print your run's own.*"),
    "ko": ("*[{title}]({url})의 한 장을 Colab에서 실행할 수 있게 만든 판입니다. 책을 빌드할 때 "
           "책의 소스에서 생성되었습니다. 본문의 숫자는 그 빌드가 측정한 값이고, 셀은 여러분이 "
           "실행한 결과를 출력합니다.*"),
}
# A role: {name}`text`. Not after a backtick, so inline code such as `{x}` is not one.
ROLE = re.compile(r"(?<!`)\{([\w:-]+)\}`([^`]*)`")
# A directive fenced with ``` or ::: (colon_fence), at the start of a line; the closing fence is
# the same run of characters, so a ::: inside a :::: block is left for the recursive call.
DIRECTIVE = re.compile(r"^(?P<fence>:{3,}|`{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<argument>[^\n]*)\n"
                       r"(?P<body>.*?)^(?P=fence)[ \t]*$", re.S | re.M)
OPTIONS = re.compile(r"\A(?:[ \t]*:[\w-]+:[^\n]*\n)+")  # a directive's ":open:"-style lines
# A launch button's address, whatever branch and path jupyter-book gave it.
BUTTON = re.compile(r'https://colab\.research\.google\.com/github/[^"\s]+?\.ipynb')
LABEL = re.compile(r"^\(([\w.:-]+)\)=[ \t]*$", re.M)
ADMONITIONS = {"admonition": "", "note": "Note", "tip": "Tip", "hint": "Hint", "important": "Important",
               "seealso": "See also", "warning": "Warning", "caution": "Caution",
               "attention": "Attention", "danger": "Danger", "error": "Error"}
# What must not be left in a converted cell: the test checks the built edition with it too.
LEFTOVER = re.compile(r"(?<!`)\{[\w:-]+\}`|^[ \t]*(?:`{3,}|:{3,})[ \t]*\{|^\([\w.:-]+\)=[ \t]*$", re.M)


def book_url(repository: str) -> str:
    """The GitHub Pages address of the book whose repository is ``repository``
    (``https://github.com/owner/name`` -> ``https://owner.github.io/name/``)."""
    match = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+?)/?", repository)
    if not match:
        raise ValueError(f"repository must be https://github.com/<owner>/<name>, got {repository!r}")
    return f"https://{match[1]}.github.io/{match[2]}/"


def author_year(entry) -> tuple[str, str]:
    """('Kingma and Welling', '2014') from a pybtex entry, named as sphinxcontrib-bibtex's
    author_year style names it: one or two last names, else the first and 'et al.'; LaTeX such
    as ``S{\\o}nderby`` decoded."""
    from pybtex.richtext import Text

    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [" ".join(part.render_as("text") for part in [*person.rich_prelast_names, *person.rich_last_names])
             for person in people]
    if not names:
        who = Text.from_latex(entry.fields.get("title", entry.key)).render_as("text")
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return who, entry.fields.get("year", "n.d.")


def glue_text(plain: str, fmt: str) -> str:
    """A glued value's text/plain as ``{glue:text}`key:fmt``` shows it (myst-nb's own formatter)."""
    from myst_nb.core.variables import format_plain_text

    return format_plain_text(plain, fmt)


def _directive(match, convert_body) -> str:
    name, argument = match["name"], match["argument"].strip()
    body = match["body"]
    options = OPTIONS.match(body)
    body = convert_body(body[options.end():] if options else body).strip("\n")
    if name == "dropdown":
        opened = " open" if options and re.search(r"^[ \t]*:open:", options[0], re.M) else ""
        return f"<details{opened}>\n<summary>{argument or 'Details'}</summary>\n\n{body}\n\n</details>"
    if name in ADMONITIONS:
        # A titled admonition's argument is its title; the others' is the first line of the text.
        title = (argument or "Note") if name == "admonition" else ADMONITIONS[name]
        if name != "admonition" and argument:
            body = f"{argument}\n{body}"
        quoted = "\n".join(f"> {line}".rstrip() for line in body.splitlines())
        return f"> **{title}**\n>\n{quoted}"
    return match[0]  # unknown: left for the leftover warning


def convert(markdown: str, *, cite, link, glue) -> str:
    """A MyST Markdown cell as plain Markdown. ``cite(keys, textual) -> str``,
    ``link(kind, target) -> (title, url)`` for ``doc``/``ref``, ``glue(key, fmt) -> str``."""
    def directives(text):
        return DIRECTIVE.sub(lambda match: _directive(match, directives), text)

    # An anchor alone on its line before a heading is an inline-HTML paragraph, which a heading
    # may follow directly, so the heading still renders.
    markdown = LABEL.sub(lambda match: f'<a id="{match[1]}"></a>', directives(markdown))

    def role(match):
        kind, text = match[1], match[2]
        if kind in ("cite", "cite:p", "cite:t"):
            return cite([key.strip() for key in text.split(",")], kind == "cite:t")
        if kind in ("glue", "glue:text"):
            # myst-nb splits at the last colon; {glue:text} without a format uses "s".
            key, _, fmt = text.rpartition(":") if ":" in text else (text, "", "")
            return glue(key, fmt or ("s" if kind == "glue:text" else ""))
        if kind == "math":
            return f"${text}$"
        if kind in ("doc", "ref"):
            explicit = re.fullmatch(r"(.*?)\s*<([^<>]+)>", text, re.S)
            title, url = link(kind, explicit[2] if explicit else text)
            return f"[{explicit[1] if explicit else title}]({url})"
        return match[0]  # unknown: left for the leftover warning

    return ROLE.sub(role, markdown)


def leftovers(markdown: str) -> list[str]:
    """The MyST roles, directive fences and targets still in ``markdown``."""
    return [match[0].strip() for match in LEFTOVER.finditer(markdown)]


def colab_url(repository: str, docname: str, language: str = "en") -> str:
    """Where Colab opens the Colab edition of ``docname``: the branch holds ``_build/html/colab``,
    a translated edition in its folder (``ko/``)."""
    owner_name = repository.removeprefix("https://github.com/").rstrip("/")
    return (f"https://colab.research.google.com/github/{owner_name}/blob/{BRANCH}/"
            f"{EDITIONS.get(language, '')}{docname}.ipynb")


def edition_language(app) -> str:
    return app.config.language or "en"


class Edition:
    """What the conversion needs from a finished build: the bibliography and where each entry is
    listed, the documents' titles and labels, each chapter's glue data, and the book's address."""

    def __init__(self, app):
        self.app, self.env = app, app.env
        self.url = app.config.html_baseurl or book_url(app.config.html_theme_options["repository_url"])
        self.language = edition_language(app)
        # A translated edition's pages live in its folder of the site.
        self.url = self.url.rstrip("/") + "/" + EDITIONS.get(self.language, "")
        domain = self.env.get_domain("cite")
        self.entries = domain.bibdata.data.entries
        # The references page's anchor of each cited key (the first, if listed twice).
        self.anchors = {}
        for citation in domain.citations:
            self.anchors.setdefault(citation.key, (citation.bibliography_key.docname, citation.citation_id))

    def page(self, docname: str) -> str:
        return self.url + self.app.builder.get_target_uri(docname)

    def cite(self, keys, textual) -> str:
        parts = []
        for key in keys:
            if key not in self.entries or key not in self.anchors:
                LOGGER.warning(f"the Colab edition cites {key!r}, which the references page lacks")
                parts.append(key)
                continue
            who, year = author_year(self.entries[key])
            docname, anchor = self.anchors[key]
            text = f"{who} ({year})" if textual else f"{who}, {year}"
            parts.append(f"[{text}]({self.page(docname)}#{anchor})")
        return ", ".join(parts) if textual else f"({'; '.join(parts)})"

    def link(self, kind, target, docname):
        if kind == "doc":
            name = docname_join(docname, target.removesuffix(".ipynb").removesuffix(".md"))
            if name not in self.env.titles:
                LOGGER.warning(f"{docname}: the Colab edition links to {target!r}, which the book lacks")
                return target, self.url
            return self.env.titles[name].astext(), self.page(name)
        labels = self.env.domaindata["std"]["labels"]
        if target not in labels:
            LOGGER.warning(f"{docname}: the Colab edition links to label {target!r}, which the book lacks")
            return target, self.url
        document, anchor, title = labels[target]
        return title, f"{self.page(document)}#{anchor}"

    def glue_data(self, docname) -> dict:
        """The values the build glued in ``docname``; myst-nb writes them next to the executed
        notebook only when it has outputs, and lists their keys in the environment then, so a
        chapter read again without executing does not get a previous build's values."""
        from myst_nb.sphinx_ import NbMetadataCollector

        if not NbMetadataCollector.get_doc_data(self.env)[docname].get("glue"):
            return {}
        path = Path(self.env.mystnb_config.output_folder) / f"{docname}.glue.json"
        return json.loads(path.read_text()) if path.is_file() else {}

    def write(self, docname) -> Path:
        notebook = nbformat.read(Path(self.app.srcdir) / f"{docname}.ipynb", as_version=4)
        data, missing = self.glue_data(docname), []
        placeholder = PLACEHOLDERS.get(self.language, PLACEHOLDER)
        translations = None
        if self.language != "en" and self.app.config.locale_dirs:
            import i18n_edition  # the translated build registers it; _ext is on sys.path

            translations = i18n_edition.messages(self.app, docname)

        def glue(key, fmt):
            if key not in data:
                missing.append(key)
                return placeholder
            return glue_text(data[key]["data"]["text/plain"], fmt)

        for cell in notebook.cells:
            if translations is not None:
                i18n_edition.translate_metadata(cell.metadata, translations)
            if cell.cell_type == "markdown":
                if translations is not None:
                    cell.source = i18n_edition.translate_markdown(cell.source, translations)
                cell.source = convert(cell.source, cite=self.cite, glue=glue,
                                      link=lambda kind, target: self.link(kind, target, docname))
                for leftover in leftovers(cell.source):
                    LOGGER.warning(f"{docname}: the Colab edition cannot convert {leftover!r} "
                                   "(teach _ext/colab_edition.py)")
            elif cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        if missing:  # myst-nb warns for each key too; the values exist only when chapters execute
            LOGGER.warning(f"{docname}: {len(missing)} glued values not computed by this build; "
                           f"the Colab edition says {placeholder!r}")
        notice = NOTICES.get(self.language, NOTICES["en"])
        notebook.cells.insert(0, nbformat.v4.new_markdown_cell(
            notice.format(title=self.app.config.html_title, url=self.page(docname))))
        out = Path(self.app.outdir) / FOLDER / f"{docname}.ipynb"
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, out)
        return out


def build_finished(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    edition = Edition(app)
    repository = app.config.html_theme_options["repository_url"]
    chapters = [docname for docname in sorted(app.env.found_docs)
                if docname.startswith("chapters/") and (Path(app.srcdir) / f"{docname}.ipynb").is_file()]
    for docname in chapters:
        edition.write(docname)
        # The page's Colab button opens the Colab edition, not the repository's MyST notebook.
        page = Path(app.outdir) / f"{docname}.html"
        html = page.read_text(encoding="utf-8")
        if not BUTTON.search(html):
            LOGGER.warning(f"{docname}: the page has no Colab button to point at the Colab edition")
        page.write_text(BUTTON.sub(colab_url(repository, docname, edition.language), html), encoding="utf-8")
    (Path(app.outdir) / FOLDER / "README.md").write_text(
        f"# {app.config.html_title}: the Colab edition\n\n"
        f"Generated from the chapters on `{app.config.html_theme_options.get('repository_branch', 'main')}` "
        f"by the book's build (`_ext/colab_edition.py`); do not edit it here. The book: {edition.url}\n",
        encoding="utf-8")


def setup(app):
    app.connect("build-finished", build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
