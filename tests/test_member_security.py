"""The key never leaves the server early; autosave keeps CSRF protection; pages follow the CSP."""

from __future__ import annotations

import re

import pytest

from quizapp.extensions import db
from tests.conftest import Factory, make_app, sign_in
from tests.quizkit import Sitting, open_quiz, right_answers

# Text that only the key, explanations, sources or option feedback contain (see Factory.bank).
SECRETS = (
    "BÍ MẬT",
    "Đoàn Thanh niên Cộng sản Hồ Chí Minh",
    '"correct"',
    '"accepted"',
    "Phản hồi",
    "tolerance",
)


def test_no_response_of_a_whole_attempt_leaks_the_key(make, login):
    sit = Sitting(
        make,
        login,
        shuffle_questions=True,
        shuffle_options=True,
        review_policy="explanations",
        attempts_allowed=1,
        prediction_question="Bao nhiêu?",
    )
    bodies = []

    def keep(reply):
        bodies.append((reply.request.path, reply.get_data(as_text=True)))
        return reply

    keep(sit.client.get("/"))
    keep(sit.client.get("/m/"))
    attempt = sit.start()
    keep(sit.client.get(f"/m/attempts/{attempt.id}"))
    answers = right_answers(attempt)
    for item in attempt.items:  # a typed answer is echoed back to its author: type a wrong one
        if item.question.qtype == "short":
            answers[item.question_id] = "Hội Liên hiệp Thanh niên"
    for seq, (qid, answer) in enumerate(answers.items(), start=1):
        keep(sit.save(attempt, qid, answer, seq, flagged=seq % 3 == 0))
        keep(sit.save(attempt, qid, answer, seq))  # a retry
    keep(sit.save(attempt, "prediction", "12", 1))
    keep(sit.save(attempt, attempt.items[0].question_id, 99, 50))  # refused answer
    keep(sit.client.get(f"/m/api/attempts/{attempt.id}"))
    first = attempt.items[0].question_id
    keep(
        sit.client.post(
            f"/m/attempts/{attempt.id}",
            data={"q": [str(first)], f"a{first}": "0", "action": "save"},
            follow_redirects=True,
        )
    )
    keep(sit.client.get(f"/m/attempts/{attempt.id}/submit"))
    keep(sit.client.get(f"/m/attempts/{attempt.id}/result", follow_redirects=True))
    keep(sit.client.get("/static/js/quiz.js"))
    keep(sit.client.get("/m/history"))
    assert len(bodies) > 20
    for path, body in bodies:
        for secret in SECRETS:
            assert secret not in body, f"{secret!r} leaked by {path}"
    # The same search finds the key once the attempt is finished and the policy allows review.
    sit.client.post(f"/m/attempts/{attempt.id}/submit")
    result = sit.client.get(f"/m/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "Giải thích BÍ MẬT" in result and "Đoàn Thanh niên Cộng sản Hồ Chí Minh" in result


def test_quiz_page_has_no_inline_script_or_style_and_nothing_external(make, login):
    sit = Sitting(make, login, prediction_question="Bao nhiêu?")
    attempt = sit.start()
    html = sit.client.get(f"/m/attempts/{attempt.id}").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)


def test_every_answer_input_has_a_label(make, login):
    sit = Sitting(make, login, prediction_question="Bao nhiêu?")
    attempt = sit.start()
    html = sit.client.get(f"/m/attempts/{attempt.id}").get_data(as_text=True)
    labelled_by_for = set(re.findall(r'<label for="([^"]+)"', html))
    for tag in re.findall(r"<input[^>]*>", html):
        if 'type="hidden"' in tag:
            continue
        ident = re.search(r'id="([^"]+)"', tag)
        wrapped = re.search(r"<label[^>]*>\s*" + re.escape(tag), html)
        assert wrapped or (ident and ident.group(1) in labelled_by_for), tag


@pytest.fixture
def csrf_app(database_url, tmp_path):
    """An app with CSRF protection on, as in production."""
    path = tmp_path / "csrf"
    path.mkdir()
    app = make_app(database_url, path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_autosave_needs_the_csrf_token_from_the_page(csrf_app):
    make = Factory()
    tree = make.province()
    member = make.member(tree["na_san"], "Lò Thị Mai")
    user = make.user(member=member)
    quiz = open_quiz(make, tree["province"])
    from quizapp.clock import now_utc
    from quizapp.services.attempts import lifecycle as attempts

    attempt = attempts.start_attempt(quiz, member, now_utc())
    db.session.commit()
    client = csrf_app.test_client()
    sign_in(client, user)
    html = client.get(f"/m/attempts/{attempt.id}").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)
    payload = {
        "attempt": attempt.id,
        "question": attempt.items[0].question_id,
        "answer": 0,
        "seq": 1,
    }
    refused = client.post("/m/api/answers", json=payload)
    assert refused.status_code == 400 and refused.json["error"] == "csrf"
    assert "tải lại trang" in refused.json["message"]
    accepted = client.post("/m/api/answers", json=payload, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200 and accepted.json["ok"]
