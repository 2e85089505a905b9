from docutils import nodes
from sphinx.transforms import SphinxTransform


class GiveTextASource(SphinxTransform):
    """Sphinx translates only text nodes that know their source; MyST's table cells and
    myst-nb's figure captions do not, so they would stay English. Give them the page's."""
    default_priority = 5

    def apply(self):
        source = self.document.get("source", "")
        for node in self.document.findall(nodes.TextElement):
            if not node.source:
                parent = node.parent
                while parent is not None and not parent.source:
                    parent = parent.parent
                node.source = parent.source if parent is not None else source
                if node.line is None:
                    node.line = (parent.line if parent is not None else None) or 0


def setup(app):
    app.add_transform(GiveTextASource)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
