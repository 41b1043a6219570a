"""A page of each area, in both languages: one decimal mark per language and English plurals right."""

from __future__ import annotations

import html as htmllib
import re

import pytest

from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.services.attempts import lifecycle as attempts
from quizapp.services.reports import roster_counts
from tests.quizkit import open_quiz, right_answers

# A dot (Vietnamese) or comma (English) inside a number groups thousands: exactly three digits follow.
WRONG_MARK = {
    "vi": re.compile(r"\d\.(?:\d{1,2}|\d{4,})(?!\d)"),
    "en": re.compile(r"\d,(?:\d{1,2}|\d{4,})(?!\d)"),
}
DECIMAL_PERCENT = {"vi": re.compile(r"\d,\d%"), "en": re.compile(r"\d\.\d%")}
WRONG_PLURAL = re.compile(
    r"(?<![\d.,])1 (members|cadres|questions|minutes|seconds|slips|attempts|topics|errors|codes)\b"
)


def visible_text(page: str) -> str:
    """What a reader sees: no scripts, styles, tags or attribute values."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def province(make, roles):
    """A finished, passed attempt (7 of 10 right) and a chapter with exactly one cadre."""
    tree, member = roles["tree"], roles["member"]
    member.is_cadre = True
    roster_counts.refresh_roster_counts()
    quiz = open_quiz(
        make, tree["province"], pass_mark=50, review_policy="explanations", attempts_allowed=1
    )
    now = now_utc()
    attempt = attempts.start_attempt(quiz, member, now)
    right = right_answers(attempt)
    for n, item in enumerate(attempt.items):
        if n < 7:  # 7 of 10 right: a percentage with a decimal place would show its mark
            attempts.save_answer(attempt, item.question_id, right[item.question_id], 1, False, now)
    attempts.submit_attempt(attempt, now)
    db.session.commit()
    assert attempt.passed
    return {"tree": tree, "quiz": quiz, "attempt": attempt, **roles}


def pages(province):
    a, tree, quiz = province["attempt"], province["tree"], province["quiz"]
    users = province["users"]
    member, secretary, organiser = users["member"], users["secretary"], users["organiser"]
    return [
        ("member", member, "/m/"),
        ("member", member, "/m/history"),
        ("result", member, f"/m/attempts/{a.id}/result"),
        ("certificate", member, f"/m/attempts/{a.id}/certificate"),
        ("reports", secretary, f"/reports/quizzes/{quiz.id}/units/{tree['na_san'].id}"),
        ("reports", secretary, f"/reports/units/{tree['province'].id}"),
        ("console", secretary, "/"),
        ("console", organiser, "/org/"),
        ("console", organiser, f"/org/quizzes/{quiz.id}"),
    ]


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_every_area_uses_one_decimal_mark_and_right_plurals(client, login, province, locale):
    seen_percent = False
    for area, user, url in pages(province):
        login(user)
        with client.session_transaction() as sess:
            sess["lang"] = locale
        reply = client.get(url)
        assert reply.status_code == 200, (url, reply.status_code)
        text = visible_text(reply.get_data(as_text=True))
        assert not WRONG_MARK[locale].findall(text), (area, url, WRONG_MARK[locale].findall(text))
        if locale == "en":
            assert not WRONG_PLURAL.findall(text), (area, url, WRONG_PLURAL.findall(text))
        seen_percent = seen_percent or bool(DECIMAL_PERCENT[locale].search(text))
    assert seen_percent


def test_english_says_one_cadre_and_one_member(client, login, province):
    login(province["users"]["secretary"])
    with client.session_transaction() as sess:
        sess["lang"] = "en"
    text = visible_text(client.get("/").get_data(as_text=True))
    assert "1 cadre" in text and "1 cadres" not in text
