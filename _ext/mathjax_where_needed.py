"""Load MathJax only on pages that have maths.

myst-nb sets Sphinx's asset policy to "always" (a notebook's outputs may hold LaTeX), so every
page, the landing page and the references included, loads MathJax (tex-chtml.js, 264 KB gzipped)
and its configuration script. This drops both from a page whose document has no maths node: no
inline or display maths in its text and no LaTeX in its outputs.
"""
from __future__ import annotations

from docutils import nodes


def _has_maths(doctree) -> bool:
    if any(True for _ in doctree.findall(lambda node: isinstance(node, (nodes.math, nodes.math_block)))):
        return True
    # A notebook output rendered as raw LaTeX maths (text/latex) keeps its dollars or \( \).
    return any(("\\(" in node.astext() or "$$" in node.astext())
               for node in doctree.findall(nodes.raw))


def _is_mathjax(script) -> bool:
    filename = getattr(script, "filename", "") or ""
    body = getattr(script, "attributes", {}).get("body", "") or ""
    return "mathjax" in filename.lower() or body.lstrip().startswith("window.MathJax")


def _drop_mathjax(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if doctree is None or not scripts or _has_maths(doctree):
        return
    context["script_files"] = [script for script in scripts if not _is_mathjax(script)]


def setup(app):
    app.connect("html-page-context", _drop_mathjax, priority=950)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
