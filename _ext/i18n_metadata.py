"""Add to each chapter's .pot the prose that lives in cell metadata: figure captions, alt text
and the labels of collapsed cells (myst-nb reads them from the notebook, not from markdown)."""
import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

FIELDS = (("figure", "caption"), ("image", "alt"), ("code_prompt_show",), ("code_prompt_hide",))

def metadata_strings(notebook: Path):
    cells = json.loads(notebook.read_text())["cells"]
    for number, cell in enumerate(cells):
        mystnb = cell.get("metadata", {}).get("mystnb", {})
        for path in FIELDS:
            value = mystnb
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            if isinstance(value, str) and value.strip():
                yield value, number

def main(root: Path, gettext_dir: Path):
    for notebook in sorted((root / "chapters").glob("*.ipynb")):
        pot = gettext_dir / "chapters" / (notebook.stem + ".pot")
        with pot.open("rb") as f:
            catalog = read_po(f)
        for text, number in metadata_strings(notebook):
            catalog.add(text, locations=[(f"../../chapters/{notebook.name}", 1000000 + number)])
        with pot.open("wb") as f:
            write_po(f, catalog, width=0)

if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
