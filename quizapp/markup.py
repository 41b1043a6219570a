"""A small, safe Markdown subset for question text: emphasis, lists, line breaks.

Everything is HTML-escaped first; only the markup this module itself produces
reaches the page, so nothing from an imported file can inject HTML or script.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup, escape

_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EM = re.compile(r"(?<![\*\w])\*(?=\S)(.+?)(?<=\S)\*(?![\*\w])")
_EM_UNDERSCORE = re.compile(r"(?<![_\w])_(?=\S)(.+?)(?<=\S)_(?![_\w])")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")


def _inline(text: str) -> str:
    html = str(escape(text))
    html = _STRONG.sub(r"<strong>\1</strong>", html)
    html = _EM.sub(r"<em>\1</em>", html)
    return _EM_UNDERSCORE.sub(r"<em>\1</em>", html)


@lru_cache(maxsize=8192)
def render_markdown(text: str | None) -> Markup:
    """Render the safe subset to HTML: paragraphs, <br>, <ul>/<ol>, <strong>, <em>. Kept per
    worker by text: a question's stem never changes, and every quiz page shows twenty of them."""
    if not text:
        return Markup("")
    blocks: list[str] = []
    para: list[str] = []
    items: list[str] = []
    list_tag = ""

    def close_para():
        if para:
            blocks.append("<p>" + "<br>".join(_inline(line) for line in para) + "</p>")
            para.clear()

    def close_list():
        nonlocal list_tag
        if items:
            blocks.append(
                f"<{list_tag}>" + "".join(f"<li>{i}</li>" for i in items) + f"</{list_tag}>"
            )
            items.clear()
        list_tag = ""

    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        bullet, numbered = _BULLET.match(line), _NUMBERED.match(line)
        match, tag = (bullet, "ul") if bullet else (numbered, "ol")
        if match:
            close_para()
            if list_tag and list_tag != tag:
                close_list()
            list_tag = tag
            items.append(_inline(match.group(1)))
        elif not line.strip():
            close_para()
            close_list()
        else:
            close_list()
            para.append(line.strip())
    close_para()
    close_list()
    return Markup("".join(blocks))


def plain_text(text: str | None) -> str:
    """The text without Markdown markers (for CSV/XLSX exports and titles)."""
    if not text:
        return ""
    out = _STRONG.sub(r"\1", text)
    out = _EM.sub(r"\1", out)
    return _EM_UNDERSCORE.sub(r"\1", out)


def init_app(app) -> None:
    """Register the `md` template filter."""
    app.add_template_filter(render_markdown, "md")
