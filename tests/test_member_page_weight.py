"""The quiz page with its CSS and JavaScript stays light for cheap phones and thin connections."""

import gzip

from tests.quizkit import Sitting

LIMIT_BYTES = 60 * 1024


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def test_quiz_page_with_css_and_js_is_under_60_kb_compressed(make, login):
    topics = tuple(f"Chủ đề {n}" for n in range(1, 7))  # 30 questions
    sit = Sitting(make, login, prediction_question="Bao nhiêu đoàn viên tham gia?")
    sit.quiz.bank_version = make.bank("dai", topics=topics)
    attempt = sit.start()
    assert len(attempt.items) == 30
    client = sit.client
    html = client.get(f"/m/attempts/{attempt.id}").data
    css = client.get("/static/css/app.css").data
    js = client.get("/static/js/quiz.js").data
    total = gzipped(html) + gzipped(css) + gzipped(js)
    assert total < LIMIT_BYTES, f"{total} bytes compressed"


def test_quiz_page_loads_nothing_but_its_own_css_and_js(make, login):
    sit = Sitting(make, login)
    html = sit.client.get(f"/m/attempts/{sit.start().id}").get_data(as_text=True)
    import re

    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    # The quiz script and the small number-hint script, both served by the app; nothing else.
    assert html.count("<script") == len(scripts) == 2
    assert sorted(s.split("?")[0] for s in scripts) == [
        "/static/js/number-hint.js",
        "/static/js/quiz.js",
    ]
    assert html.count('rel="stylesheet"') == 1
