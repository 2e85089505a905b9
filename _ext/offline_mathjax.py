"""Serve MathJax from the book's own static files, so pages read offline and call no CDN.

MathJax 3 comes from the PyPI package ``django-static-mathjax`` (a data-only package): its
single-file CHTML build ``es5/tex-chtml.js`` (1.2 MB) plus the woff-v2 fonts it loads on demand.
CHTML rather than SVG keeps a chapter page well under 3 MB (tex-svg.js alone is 2.1 MB).
"""
from __future__ import annotations

import shutil
from pathlib import Path

TARGET = "mathjax"  # under _static


def _es5_folder() -> Path:
    try:
        import mathjax  # the package django-static-mathjax installs this module
    except ImportError as error:
        raise RuntimeError("MathJax is served locally from the PyPI package django-static-mathjax; "
                           "install requirements.txt") from error
    folder = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (folder / "tex-chtml.js").is_file():
        raise RuntimeError(f"{folder}/tex-chtml.js is missing: reinstall django-static-mathjax")
    return folder


def _point_sphinx_at_local_copy(app, config) -> None:
    _es5_folder()
    config.mathjax_path = f"{TARGET}/tex-chtml.js"  # relative to _static


def _copy_mathjax(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    source, target = _es5_folder(), Path(app.outdir) / "_static" / TARGET
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "tex-chtml.js", target / "tex-chtml.js")
    fonts = Path("output") / "chtml" / "fonts" / "woff-v2"
    shutil.copytree(source / fonts, target / fonts, dirs_exist_ok=True)


def setup(app):
    app.connect("config-inited", _point_sphinx_at_local_copy, priority=900)
    app.connect("build-finished", _copy_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
