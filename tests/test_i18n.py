"""The Korean edition (issue 26): the catalogs against the English, the Korean search splitter,
and, once ``make book`` has built both editions, the language switch and the Korean Colab edition.

The catalogs: every msgid the English produces is in its page's catalog (the extraction runs here,
into a temporary folder, as ``make i18n`` runs it), none is left untranslated or fuzzy, and a
translation keeps its paragraph's glued values, citations and links. An English change therefore
fails this file until ``make i18n`` has refreshed the catalogs and the new prose is translated.
"""
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
KO_HTML = HTML / "ko"
LOCALES = ROOT / "locales" / "ko" / "LC_MESSAGES"


def load(name):
    sys.path.insert(0, str(ROOT / "_ext"))  # i18n_catalogs imports i18n_edition
    spec = importlib.util.spec_from_file_location(name, ROOT / "_ext" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


edition = load("i18n_edition")
colab = load("colab_edition")


def catalogs() -> dict:
    found = {}
    for path in sorted(LOCALES.rglob("*.po")):
        with path.open("rb") as handle:
            found[path.relative_to(LOCALES).with_suffix("").as_posix()] = read_po(handle)
    return found


def toc(name) -> dict:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def toc_files(name) -> list:
    parsed = toc(name)
    return [parsed["root"]] + [entry["file"] for part in parsed["parts"] for entry in part["chapters"]]


# The configuration.

def test_the_korean_config_is_the_english_one_in_korean():
    english, korean = toc("_config.yml"), toc("_config.ko.yml")
    assert re.search("[가-힣]", korean.pop("title"))
    english.pop("title")
    assert korean["execute"].pop("cache") == "_build/.jupyter_cache", "the English execution cache"
    sphinx = korean["sphinx"]["config"]
    assert (sphinx.pop("language"), sphinx.pop("locale_dirs"), sphinx.pop("gettext_compact")) == (
        "ko", ["locales/"], False)
    assert korean == english, "_config.ko.yml differs from _config.yml beyond the Korean lines"
    assert "i18n_edition" in english["sphinx"]["local_extensions"]


def test_the_korean_toc_lists_the_same_pages_with_korean_captions():
    assert toc_files("_toc.ko.yml") == toc_files("_toc.yml")
    captions = [part["caption"] for part in toc("_toc.ko.yml")["parts"]]
    assert len(captions) == len(toc("_toc.yml")["parts"])
    assert all(re.search("[가-힣]", caption) for caption in captions), captions


# The catalogs.

@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict:
    catalogs_script = load("i18n_catalogs")
    return catalogs_script.extract(tmp_path_factory.mktemp("gettext"))


def test_every_page_has_a_catalog_that_covers_its_english(templates):
    present = catalogs()
    assert sorted(templates) == sorted(present), "run `make i18n`: pages and catalogs differ"
    for docname, template in templates.items():
        wanted = {message.id for message in template if message.id}
        held = {message.id for message in present[docname] if message.id}
        missing, stale = wanted - held, held - wanted
        assert not missing and not stale, (
            f"{docname}: {len(missing)} msgids missing, {len(stale)} stale, e.g. "
            f"{sorted(missing or stale)[0][:100]!r}: run `make i18n`, then translate")


def test_no_catalog_entry_is_untranslated_or_fuzzy():
    problems, total = [], 0
    for docname, catalog in catalogs().items():
        messages = [message for message in catalog if message.id]
        total += len(messages)
        untranslated = [message.id for message in messages if not message.string]
        fuzzy = [message.id for message in messages if message.string and message.fuzzy]
        if untranslated or fuzzy:
            problems.append(f"{docname}: {len(untranslated)} untranslated, {len(fuzzy)} fuzzy, "
                            f"e.g. {(untranslated or fuzzy)[0][:80]!r}")
    assert not problems, f"{len(problems)} of the catalogs ({total} entries) are incomplete:\n" + "\n".join(problems)


ROLE = re.compile(r"\{(glue:text|glue|cite:p|cite:t|cite|doc|ref)\}`([^`]*)`")


def kept(text: str) -> list:
    """The glued values, citations and link targets a translation must keep."""
    found = []
    for kind, content in ROLE.findall(text):
        if kind in ("doc", "ref"):
            explicit = re.fullmatch(r".*?<([^<>]+)>", content, re.S)
            content = explicit[1] if explicit else content
        found.append((kind, content.strip()))
    return sorted(found)


def test_translations_keep_the_values_citations_and_links():
    problems = []
    for docname, catalog in catalogs().items():
        for message in catalog:
            if message.id and message.string and kept(message.id) != kept(message.string):
                problems.append(f"{docname}: {message.id[:60]!r}: {kept(message.id)} != {kept(message.string)}")
    assert not problems, "\n".join(problems[:20])


def test_the_block_walker_finds_the_msgids_sphinx_extracts():
    """The Colab edition translates Markdown block by block: its blocks are the catalog's."""
    for notebook in sorted((ROOT / "chapters").glob("*.ipynb")):
        docname = f"chapters/{notebook.stem}"
        path = LOCALES / f"{docname}.po"
        if not path.is_file():
            continue
        with path.open("rb") as handle:
            held = {message.id for message in read_po(handle) if message.id}
        cells = nbformat.read(notebook, as_version=4).cells
        found = [text for cell in cells if cell.cell_type == "markdown"
                 for text in edition.block_msgids(cell.source)]
        assert found and not set(found) - held, f"{docname}: {sorted(set(found) - held)[:3]}"


def test_translate_markdown_keeps_the_markup():
    source = ("(target)=\n## A heading\n\nA paragraph\nover two lines, {glue:text}`x:.2f`.\n\n"
              "- an item\n  continued\n- another\n\n| a | b |\n|---|---|\n| cell | 2 |\n\n$$\nx = 1\n$$\n\n"
              ":::{dropdown} A title\nA body.\n\n```python\nprint('code')\n```\n:::\n")
    translations = {"A heading": "제목", "A paragraph over two lines, {glue:text}`x:.2f`.":
                    "두 줄의 문단, {glue:text}`x:.2f`.", "an item continued": "항목", "cell": "칸",
                    "\nx = 1\n": "\nx = 2\n", "A title": "제목 둘", "A body.": "본문."}
    assert edition.translate_markdown(source, translations) == (
        "(target)=\n## 제목\n\n두 줄의 문단, {glue:text}`x:.2f`.\n\n- 항목\n- another\n\n"
        "| a | b |\n|---|---|\n| 칸 | 2 |\n\n$$\nx = 2\n$$\n\n:::{dropdown} 제목 둘\n본문.\n\n"
        "```python\nprint('code')\n```\n:::\n")


def test_metadata_prose_is_translated():
    metadata = {"mystnb": {"figure": {"caption": "A figure."}, "image": {"alt": "Dots."},
                           "code_prompt_show": "Show the check"}, "tags": ["hide-input"]}
    assert edition.translate_metadata(metadata, {"A figure.": "그림.", "Show the check": "확인 보기"}) == 2
    assert metadata["mystnb"] == {"figure": {"caption": "그림."}, "image": {"alt": "Dots."},
                                  "code_prompt_show": "확인 보기"}


# Korean search.

def finds(query: str, page: str) -> bool:
    """Sphinx's searchtools.js on one page: every query term is an index term of the page or,
    three characters or longer, part of one."""
    index = {term.lower() for term in edition.korean_split(page)}
    return all(term.lower() in index or (len(term) > 2 and any(term.lower() in word for word in index))
               for term in edition.query_split(query))


def test_the_korean_splitter_indexes_words_and_hangul_bigrams():
    assert edition.korean_split("오토인코더는 VAE를") == [
        "오토인코더는", "오토", "토인", "인코", "코더", "더는", "VAE를", "를", "VAE"]
    assert edition.SearchKorean({}).split("ELBO의 하한") == ["ELBO의", "의", "ELBO", "하한"]


def test_a_korean_search_finds_a_word_whatever_its_particle():
    page = "오토인코더는 입력을 코드로 압축합니다. 변분 오토인코더(VAE)의 ELBO를 봅니다."
    assert finds("오토인코더", page)
    assert finds("오토인코더가", page)  # the particle is dropped from the query
    assert finds("VAE", page) and finds("ELBO", page) and finds("코드", page)
    assert finds("압축", page) and finds("변분 오토인코더", page)
    assert not finds("디코더", page) and not finds("잠재 공간", page)


@pytest.mark.skipif(shutil.which("node") is None, reason="no node to run the JavaScript splitter")
def test_the_javascript_splitter_is_the_python_one():
    queries = ["오토인코더", "오토인코더는", "VAE를 학습", "잠재 공간에서", "ELBO", "사이", "KL divergence의 값"]
    script = edition.JS_SPLITTER + f"\nconsole.log(JSON.stringify({json.dumps(queries)}.map(splitQuery)));"
    result = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(result.stdout) == [edition.query_split(query) for query in queries]


def test_the_language_switch_links_each_page_to_itself_in_the_other_edition():
    assert list(edition.other_editions("en", "chapters/05_the_elbo")) == [
        ("ko", "한국어", "../ko/chapters/05_the_elbo.html")]
    assert list(edition.other_editions("ko", "chapters/05_the_elbo")) == [
        ("en", "English", "../../chapters/05_the_elbo.html")]
    assert list(edition.other_editions("ko", "intro")) == [("en", "English", "../intro.html")]


# The built editions.

@pytest.fixture(scope="module")
def built() -> list:
    if not (KO_HTML / "intro.html").is_file():
        pytest.skip("the Korean edition is not built (no _build/html/ko): run `make book`")
    return toc_files("_toc.yml")


def test_every_page_switches_to_the_same_page_in_the_other_edition(built):
    for docname in built:
        english, korean = HTML / f"{docname}.html", KO_HTML / f"{docname}.html"
        for page, other, label in ((english, korean, "한국어"), (korean, english, "English")):
            html = page.read_text(encoding="utf-8")
            switch = re.search(r'<a href="([^"]+)"[^>]*class="[^"]*btn-language-switch(.*?)</a>', html, re.S)
            alternates = re.findall(r'<link rel="alternate" hreflang="\w+" href="([^"]+)"', html)
            assert switch and alternates == [switch[1]], f"{page.relative_to(HTML)}: no language switch"
            assert (page.parent / switch[1]).resolve() == other.resolve(), f"{page}: {switch[1]}"
            assert label in switch[2], f"{page}: the switch is not labelled {label}"
        assert '<html lang="ko"' in korean.read_text(encoding="utf-8")


def test_the_korean_pages_are_in_korean(built):
    for docname in built:
        html = (KO_HTML / f"{docname}.html").read_text(encoding="utf-8")
        title = re.search(r"<title>(.*?)</title>", html, re.S)[1]
        assert re.search("[가-힣]", title), f"{docname}: the title {title!r} is not Korean"


def test_the_korean_search_index_uses_the_korean_splitter(built):
    assert "HANGUL_RUN" in (KO_HTML / "_static" / "language_data.js").read_text(encoding="utf-8")
    index = (KO_HTML / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1:index.rindex(")")])
    terms = set(data["terms"]) | set(data["titleterms"])
    if not any(edition.read_messages(path) for path in LOCALES.rglob("*.po")):
        pytest.skip("nothing is translated yet: no Korean word to index")
    assert "오토" in terms and any(term.startswith("오토인코더") for term in terms)


def fingerprint(text: str) -> str:
    """The longest run of plain prose in a block: no roles, maths, code or markup."""
    parts = re.split(r"\{[^}]*\}`[^`]*`|\$\$?[^$]*\$\$?|`[^`]*`|[*_\[\]()<>|#]|\s{2,}", text)
    return max((" ".join(part.split()) for part in parts), key=len)


def test_the_korean_colab_edition_is_the_chapters_translated(built):
    folder = KO_HTML / "colab" / "chapters"
    repository = toc("_config.yml")["repository"]["url"]
    for docname in [name for name in built if name.startswith("chapters/")]:
        path = folder / f"{Path(docname).name}.ipynb"
        korean = nbformat.read(path, as_version=4)
        # The same notebook is published on the colab branch's ko/ folder ...
        assert (HTML / "colab" / "ko" / f"{docname}.ipynb").read_bytes() == path.read_bytes(), docname
        # ... the Korean page's Colab button opens it ...
        page = (KO_HTML / f"{docname}.html").read_text(encoding="utf-8")
        assert colab.colab_url(repository, docname, "ko") in page, docname
        # ... and it runs the chapter's code, with the catalog's Korean in place of the English.
        chapter = nbformat.read(ROOT / f"{docname}.ipynb", as_version=4)
        assert [cell.source for cell in korean.cells if cell.cell_type == "code"] == [
            cell.source for cell in chapter.cells if cell.cell_type == "code"], docname
        for cell in korean.cells:  # rendered for Jupyter and Colab, as the English edition is
            assert cell.cell_type != "markdown" or not colab.leftovers(cell.source), (
                f"{docname}: {colab.leftovers(cell.source)} left in {cell.source[:200]!r}")
        markdown = " ".join(" ".join(cell.source.split()) for cell in korean.cells if cell.cell_type == "markdown")
        translations = edition.read_messages(LOCALES / f"{docname}.po")
        for cell in chapter.cells:
            if cell.cell_type != "markdown":
                continue
            for text in edition.block_msgids(cell.source):
                english, translated = fingerprint(text), translations.get(text)
                if not translated or translated == text or text.startswith("\n") or len(english) < 12:
                    continue  # untranslated, kept as it is, a maths block, or too short to tell
                assert english not in markdown, f"{docname}: English left: {english!r}"
                assert fingerprint(translated) in markdown, f"{docname}: missing {fingerprint(translated)!r}"


def test_the_korean_part_captions_are_the_catalogs_translations():
    """Sphinx extracts the part captions into the root page's catalog, but the Korean build takes
    them from _toc.ko.yml: the two must say the same once the catalog is translated."""
    root = toc("_toc.yml")["root"]
    translations = edition.read_messages(LOCALES / f"{root}.po")
    for english, korean in zip(toc("_toc.yml")["parts"], toc("_toc.ko.yml")["parts"]):
        if english["caption"] in translations:
            assert korean["caption"] == translations[english["caption"]], english["caption"]


def test_make_i18n_updates_a_catalog_as_the_english_changed(tmp_path):
    """New prose comes in untranslated, changed prose keeps its old translation marked fuzzy,
    removed prose is dropped."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    old = Catalog(locale="ko")
    for english, korean in [("The encoder maps an image to a code.", "인코더는 이미지를 코드로 보냅니다."),
                            ("The decoder maps the code back to an image.", "디코더는 코드를 이미지로 되돌립니다."),
                            ("A sentence the English no longer has.", "영어에 더는 없는 문장.")]:
        old.add(english, korean)
    path = tmp_path / "ko" / "LC_MESSAGES" / "page.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as handle:
        write_po(handle, old)
    template = Catalog()
    for english in ["The encoder maps an image to a code.", "The decoder maps the code back to an image!",
                    "A new sentence."]:
        template.add(english, locations=[("../../page.md", 1)])
    load("i18n_catalogs").update({"page": template}, tmp_path, "ko")
    with path.open("rb") as handle:
        new = {message.id: message for message in read_po(handle) if message.id}
    assert sorted(new) == sorted(template_message.id for template_message in template if template_message.id)
    assert new["The encoder maps an image to a code."].string == "인코더는 이미지를 코드로 보냅니다."
    assert not new["The encoder maps an image to a code."].fuzzy
    changed = new["The decoder maps the code back to an image!"]
    assert changed.fuzzy and changed.string == "디코더는 코드를 이미지로 되돌립니다."
    assert new["A new sentence."].string == ""
