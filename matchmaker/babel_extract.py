"""A Babel extractor (``babel.cfg``): the summary of each JSON API operation, so /api/v1/docs shows it translated.

flask-smorest takes an operation's summary from its view's docstring (up to the first blank line); this
reads the same text from the source, so ``pybabel extract`` (``make extract-messages``) puts it in the
catalogue. Light on purpose: Babel imports it without the app.
"""

from __future__ import annotations

import ast


def extract_summaries(fileobj, keywords, comment_tags, options):
    tree = ast.parse(fileobj.read().decode("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any("route" in ast.unparse(d) for d in node.decorator_list):
            doc = ast.get_docstring(node)
            if doc:
                yield node.lineno, None, doc.split("\n\n")[0].strip(), []
