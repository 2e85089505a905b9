"""The book's translated editions (the Korean one at ``ko/``), built from the same notebooks.

Registered in ``_config.yml`` and ``_config.ko.yml``. It

- gives MyST table cells and myst-nb captions a source, so Sphinx extracts and translates them
  (``i18n_sources``);
- in a translated build, replaces the prose that lives in cell metadata (a figure's caption, an
  image's alt text, the labels of collapsed cells) by its translation from the page's catalog,
  once myst-nb has taken the outputs from the English execution cache, and lets
  ``{glue:text}`` in a translated paragraph find the page's values;
- puts a language switch on every page, to the same page in the other edition, as a relative
  link (works from ``file://`` and any host), and ``<link rel="alternate" hreflang>``;
- registers a Korean search language: Sphinx has none, and its default splitter indexes
  "오토인코더는" as one word, so "오토인코더" would not find it. Words are indexed whole and as
  Hangul character bigrams; a query is split the same way after dropping a trailing particle.

``translate_markdown`` (a Markdown cell, block by block, through a catalog) serves the Colab
edition of a translated build (``_ext/colab_edition.py``) and the tests.
"""
from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from sphinx.search import SearchLanguage
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)

# Each edition's folder under the site's root, and the label of the switch that leads to it.
EDITIONS = {"en": "", "ko": "ko/"}
LABELS = {"en": "English", "ko": "한국어"}
# Cell metadata that myst-nb renders as prose (tests/test_i18n.py and i18n_catalogs.py use it).
METADATA_FIELDS = (("figure", "caption"), ("image", "alt"), ("code_prompt_show",), ("code_prompt_hide",))
# Directives whose body is prose (the Colab translation recurses into them; others are code).
PROSE_DIRECTIVES = {"dropdown", "admonition", "note", "tip", "hint", "important", "seealso",
                    "warning", "caution", "attention", "danger", "error", "margin", "sidebar",
                    "topic", "epigraph"}


def language(app) -> str:
    return app.config.language or "en"


def translating(app) -> bool:
    return language(app) != "en" and bool(app.config.locale_dirs)


def read_messages(path: Path) -> dict:
    """msgid -> msgstr of a .po file: translated entries only (no empty, no fuzzy ones), as
    Sphinx compiles them into the .mo it translates with."""
    from babel.messages.pofile import read_po

    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {message.id: message.string for message in catalog
            if message.id and isinstance(message.id, str) and message.string and not message.fuzzy}


def catalog_path(srcdir, locale_dir: str, lang: str, docname: str) -> Path:
    return Path(srcdir) / locale_dir / lang / "LC_MESSAGES" / f"{docname}.po"


@functools.lru_cache(maxsize=None)
def _messages(srcdir: str, locale_dirs: tuple, lang: str, docname: str) -> dict:
    found = {}
    for locale_dir in locale_dirs:
        found.update(read_messages(catalog_path(srcdir, locale_dir, lang, docname)))
    return found


def messages(app, docname: str) -> dict:
    """The translations of page ``docname`` (its own catalog: gettext_compact is off)."""
    return _messages(str(app.srcdir), tuple(app.config.locale_dirs), language(app), docname)


def translate_metadata(metadata: dict, translations: dict) -> int:
    """Translate the prose fields of a cell's ``mystnb`` metadata in place; how many changed."""
    changed = 0
    mystnb = metadata.get("mystnb")
    if not isinstance(mystnb, dict):
        return 0
    for path in METADATA_FIELDS:
        holder = mystnb
        for key in path[:-1]:
            holder = holder.get(key) if isinstance(holder, dict) else None
        if isinstance(holder, dict) and isinstance(holder.get(path[-1]), str):
            text = translations.get(holder[path[-1]])
            if text:
                holder[path[-1]], changed = text, changed + 1
    return changed


# Markdown, block by block.

@functools.lru_cache(maxsize=1)
def _parser():
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    config = MdParserConfig(enable_extensions={"amsmath", "colon_fence", "dollarmath", "linkify",
                                               "substitution", "tasklist"})
    return create_md_parser(config, RendererHTML)


def msgid(content: str) -> str:
    """The msgid Sphinx extracts for a paragraph, heading, list item or table cell."""
    return content.replace("\n", " ").strip()


def blocks(markdown: str):
    """The translatable blocks of a Markdown cell, in order: (kind, token, msgid). Kinds:
    ``inline`` (paragraph, heading, list item, table cell), ``math`` (a ``$$`` block),
    ``directive`` (a prose directive: its argument is a msgid, its body is recursed into)."""
    for token in _parser().parse(markdown):
        if token.type == "inline" and token.content.strip():
            yield "inline", token, msgid(token.content)
        elif token.type == "math_block":
            yield "math", token, token.content
        elif token.type in ("colon_fence", "fence"):
            match = re.match(r"\{([\w:-]+)\}\s*(.*)", token.info)
            if match and match[1] in PROSE_DIRECTIVES:
                yield "directive", token, match[2].strip()


def block_msgids(markdown: str) -> list:
    """Every msgid of a Markdown cell, directive bodies included (what the tests compare)."""
    found = []
    for kind, token, text in blocks(markdown):
        if text:
            found.append(text)
        if kind == "directive":
            found += block_msgids(token.content)
    return found


def translate_markdown(markdown: str, translations: dict) -> str:
    """``markdown`` with every block that ``translations`` knows replaced by its translation;
    markers (``#``, ``-``, ``|``, fences, indentation) stay. Blocks it does not know stay."""
    lines = markdown.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    replacements, cursor = [], 0

    def place(text: str, start: int, end: int):
        """Where ``text`` (its lines possibly indented or quoted in the source) lies in
        markdown[start:end], searching from the cursor."""
        parts = text.split("\n")
        pattern = re.escape(parts[0]) + "".join(r"[ \t]*\n[ \t>]*" + re.escape(part) for part in parts[1:])
        return re.compile(pattern).search(markdown, max(start, cursor), end)

    for kind, token, text in blocks(markdown):
        first, last = token.map
        begin, finish = starts[first], starts[min(last, len(lines))]
        if kind == "inline":
            target = translations.get(text)
            found = place(token.content.strip(), begin, finish)
            if found is None:
                continue
            if target and target != text:
                replacements.append((found.start(), found.end(), target.strip()))
            cursor = found.end()
        elif kind == "math":
            target = translations.get(text)
            found = place(text.strip("\n"), begin, finish) if text.strip() else None
            if found is None:
                continue
            if target and target != text:
                replacements.append((found.start(), found.end(), target.strip("\n")))
            cursor = found.end()
        else:  # a directive: its argument on the first line, its body up to the closing fence
            target = translations.get(text) if text else None
            if target and target != text:
                found = place(text, begin, starts[first + 1])
                if found is not None:
                    replacements.append((found.start(), found.end(), target.strip()))
            body_start, body_end = starts[first + 1], starts[last - 1]
            body = markdown[body_start:body_end]
            translated = translate_markdown(body, translations)
            if translated != body:
                replacements.append((body_start, body_end, translated))
            cursor = finish
    for start, end, text in sorted(replacements, reverse=True):
        markdown = markdown[:start] + text + markdown[end:]
    return markdown


# The build: metadata prose, glued values in translated paragraphs, the language switch.

def translate_rendered_metadata(app) -> None:
    """Translate the metadata prose of the notebook myst-nb renders, once its outputs are in.

    Not on ``source-read``: jupyter-cache matches a notebook by its code cells *and their
    metadata*, so a notebook with translated metadata would miss the English cache and execute
    again; and on a match it copies the cached cells, English metadata included, back. So the
    notebook is matched as it is, and its cells' metadata translated after (in the notebook read
    and in the one with the outputs), and in the copy myst-nb makes its tokens from."""
    from myst_nb.core.execute.base import NotebookClientBase

    original = NotebookClientBase.__enter__
    if getattr(original, "_aebook_translates", False):
        return

    def enter(self):
        read = self.notebook
        client = original(self)
        docname = app.env.path2doc(str(self.path)) if self.path else None
        if docname:
            translations = messages(app, docname)
            for notebook in {id(read): read, id(self.notebook): self.notebook}.values():
                for cell in notebook.cells:
                    translate_metadata(cell.metadata, translations)
        return client

    enter._aebook_translates = True
    NotebookClientBase.__enter__ = enter

    # The labels of collapsed cells are read earlier, when the cells become tokens (a copy of
    # their metadata): translate a copy of the notebook for that step.
    import copy

    from myst_nb import sphinx_ as mystnb_sphinx

    tokens = mystnb_sphinx.notebook_to_tokens

    def notebook_to_tokens(notebook, *args, **kwargs):
        translations = messages(app, app.env.docname) if app.env.docname else {}
        if translations:
            notebook = copy.deepcopy(notebook)
            for cell in notebook.cells:
                translate_metadata(cell.metadata, translations)
        return tokens(notebook, *args, **kwargs)

    mystnb_sphinx.notebook_to_tokens = notebook_to_tokens


def glue_in_translations() -> None:
    """Sphinx parses a translated paragraph as a document of its own, after myst-nb has read the
    notebook and dropped the glue data from the page's document, so ``{glue:text}`` there finds
    nothing. Let it find the page's values where myst-nb keeps them for later steps: the keys
    in the environment, the values in ``jupyter_execute/<page>.glue.json``."""
    from myst_nb.core.variables import VariableOutput
    from myst_nb.ext.glue import directives, roles, utils
    from myst_nb.sphinx_ import NbMetadataCollector

    original = utils.retrieve_glue_data
    if getattr(original, "_aebook_translates", False):
        return

    def retrieve(document, key):
        env = getattr(document.settings, "env", None)
        if "nb_renderer" in document or env is None or not env.docname:
            return original(document, key)
        if key not in NbMetadataCollector.get_doc_data(env)[env.docname].get("glue", []):
            return original(document, key)
        path = Path(env.mystnb_config.output_folder) / f"{env.docname}.glue.json"
        data = _glue_file(str(path), path.stat().st_mtime_ns)
        if key not in data:
            return original(document, key)
        return VariableOutput(data=data[key]["data"], metadata=data[key].get("metadata", {}),
                              nb_renderer=None, vtype="glue")

    retrieve._aebook_translates = True
    for module in (utils, roles, directives):
        module.retrieve_glue_data = retrieve


@functools.lru_cache(maxsize=8)
def _glue_file(path: str, mtime: int) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def config_inited(app, config) -> None:
    # A relative execution cache (the Korean config shares the English one) is the source
    # folder's, wherever the build is started from.
    cache = config.nb_execution_cache_path if "nb_execution_cache_path" in config else ""
    if cache and not Path(cache).is_absolute():
        config.nb_execution_cache_path = str((Path(app.srcdir) / cache).resolve())
    if translating(app):
        translate_rendered_metadata(app)
        glue_in_translations()


def other_editions(lang: str, pagename: str):
    """(language, label, relative URL) of ``pagename`` in every other edition."""
    up = "../" * (pagename.count("/") + EDITIONS.get(lang, "").count("/"))
    for other, folder in EDITIONS.items():
        if other != lang:
            yield other, LABELS[other], f"{up}{folder}{pagename}.html"


def add_language_switch(app, pagename, templatename, context, doctree) -> None:
    if app.builder.format != "html":
        return
    lang = language(app)
    links = []
    for other, label, url in other_editions(lang, pagename):
        links.append(f'<link rel="alternate" hreflang="{other}" href="{url}" />')
        if "header_buttons" in context:  # sphinx-book-theme's article header
            context["header_buttons"].append({
                "type": "link", "url": url, "text": label, "icon": "fas fa-language",
                "tooltip": label, "label": "language-switch"})
    context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(links)


# The theme opens header links in a new tab; the switch replaces the page instead.
SWITCH_JS = ("document.addEventListener('DOMContentLoaded', () => document.querySelectorAll("
             "'a.btn-language-switch').forEach((a) => a.removeAttribute('target')));")


# Korean search.

HANGUL = "\uac00-\ud7a3\u3131-\u318e"
HANGUL_RUN = re.compile(f"[{HANGUL}]+")
OTHER_RUN = re.compile(f"[^{HANGUL}]+")


def korean_split(text: str) -> list:
    """Index terms: each word whole, the Hangul character bigrams of its Hangul runs, and its
    non-Hangul runs ("VAE는" -> "VAE는", "VAE")."""
    terms = []
    for word in re.findall(r"\w+", text):
        terms.append(word)
        for run in HANGUL_RUN.findall(word):
            if run != word:
                terms.append(run)
            terms += [run[i:i + 2] for i in range(len(run) - 1) if run[i:i + 2] != word]
        terms += [run for run in OTHER_RUN.findall(word) if run != word]
    return terms


# Particles a query may carry; dropped (when two characters or more remain) before splitting,
# which only widens a search: every page that holds the word with its particle holds the stem.
PARTICLES = ("에서는", "으로는", "에게서", "에서", "으로", "에게", "까지", "부터", "처럼", "보다",
             "와는", "과는", "은", "는", "이", "가", "을", "를", "의", "에", "로", "와", "과", "도", "만")

JS_SPLITTER = """
const HANGUL_RUN = /[\\uac00-\\ud7a3\\u3131-\\u318e]+/g;
const OTHER_RUN = /[^\\uac00-\\ud7a3\\u3131-\\u318e]+/g;
const PARTICLES = %s;
function splitQuery(query) {
  const terms = new Set();
  for (let word of query.split(/[^\\p{Letter}\\p{Number}_\\p{Emoji_Presentation}]+/gu)) {
    if (!word) continue;
    for (const particle of PARTICLES) {
      if (word.endsWith(particle) && /[\\uac00-\\ud7a3]$/.test(word)
          && word.length - particle.length >= 2) {
        word = word.slice(0, -particle.length);
        break;
      }
    }
    terms.add(word);
    for (const run of word.match(HANGUL_RUN) || []) {
      if (run !== word) terms.add(run);
      for (let i = 0; i + 1 < run.length; i++) terms.add(run.slice(i, i + 2));  // a Set: no twice
    }
    for (const run of word.match(OTHER_RUN) || []) if (run !== word) terms.add(run);
  }
  return [...terms];
}
""" % json.dumps(PARTICLES, ensure_ascii=False)


def strip_particle(word: str) -> str:
    """What the query splitter does to a word before splitting it (the Python twin, for tests)."""
    for particle in PARTICLES:
        if word.endswith(particle) and HANGUL_RUN.fullmatch(word[-1]) and len(word) - len(particle) >= 2:
            return word[:-len(particle)]
    return word


def query_split(query: str) -> list:
    """The Python twin of the JavaScript ``splitQuery`` (tests/test_i18n.py runs both)."""
    terms = []
    for word in re.findall(r"\w+", query):
        for term in korean_split(strip_particle(word)):
            if term not in terms:
                terms.append(term)
    return terms


class SearchKorean(SearchLanguage):
    lang = "ko"
    language_name = "Korean"
    js_splitter_code = JS_SPLITTER

    def split(self, input: str) -> list:  # noqa: A002 (Sphinx's signature)
        return korean_split(input)

    def word_filter(self, word: str) -> bool:
        return len(word) > 0

    def stem(self, word: str) -> str:
        return word.lower()


def setup(app):
    app.setup_extension("i18n_sources")
    app.add_search_language(SearchKorean)
    app.connect("config-inited", config_inited)
    # After sphinx-book-theme has filled its header buttons (priority 501).
    app.connect("html-page-context", add_language_switch, priority=600)
    app.add_js_file(None, body=SWITCH_JS)
    app.add_css_file("i18n.css")  # _static/i18n.css: the switch's size, Korean line breaking
    return {"parallel_read_safe": True, "parallel_write_safe": True}
