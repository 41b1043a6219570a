"""Question text: a small Markdown subset, and never HTML from the file."""

from hypothesis import given
from hypothesis import strategies as st

from quizapp.markup import plain_text, render_markdown


def test_emphasis_lists_and_line_breaks():
    html = render_markdown(
        "Đại hội **XII** diễn ra *tại Hà Nội*\ndòng hai\n\n- một\n- hai\n\n1. ba"
    )
    assert "<strong>XII</strong>" in html
    assert "<em>tại Hà Nội</em>" in html
    assert "<br>dòng hai" in html
    assert "<ul><li>một</li><li>hai</li></ul>" in html
    assert "<ol><li>ba</li></ol>" in html


def test_script_in_question_text_is_shown_as_text():
    html = render_markdown('<script>alert(1)</script> <img src=x onerror="alert(2)">')
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


@given(st.text())
def test_no_tag_but_our_own_ever_appears(text):
    html = str(render_markdown(text))
    tags = set(__import__("re").findall(r"</?([a-zA-Z0-9]+)", html))
    assert tags <= {"p", "br", "ul", "ol", "li", "strong", "em"}


def test_plain_text_drops_markers():
    assert plain_text("**Nghị quyết** *XII*") == "Nghị quyết XII"
