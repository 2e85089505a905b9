"""Drop scripts that a page would load twice.

sphinx-thebe (as jupyter-book 1.0.4 sets it up) registers its inline configuration script twice;
the second ``const THEBE_JS_URL`` then throws "Identifier has already been declared" in every
reader's console. Removing exact duplicates from the page's script list fixes it for any source.
"""


def _dedupe(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        # The same file or inline body, whatever priority each copy was registered with; an
        # inline script's filename is None or "" depending on who registered it.
        key = (getattr(script, "filename", str(script)) or "",
               tuple(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", _dedupe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
