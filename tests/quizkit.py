"""Plain helpers for the quiz, attempt and member tests (fixtures live in conftest.py).

The named instants come from tests/timeline.py; quizzes from the factory's make.quiz().
"""

from __future__ import annotations

from datetime import timedelta

from tests.factory import quiz_settings as settings
from tests.timeline import AFTER, AFTER_GRACE, AT_DEADLINE, BEFORE, CLOSES, DURING, LIMIT, OPENS

__all__ = [
    "AFTER",
    "AFTER_GRACE",
    "AT_DEADLINE",
    "BEFORE",
    "CLOSES",
    "DURING",
    "LIMIT",
    "OPENS",
    "Sitting",
    "make_quiz",
    "open_quiz",
    "right_answers",
    "settings",
]


def make_quiz(make, audience, version=None, **overrides):
    """The factory's quiz: make.quiz(audience, version, **overrides) (kept for older tests)."""
    return make.quiz(audience, version, **overrides)


def right_answers(attempt) -> dict[int, object]:
    """The correct answer for every question of the attempt, by question id."""
    answers = {}
    for item in attempt.items:
        q = item.question
        key = q.answer
        if q.qtype in ("single", "true_false"):
            answers[q.id] = key["correct"][0]
        elif q.qtype == "multiple":
            answers[q.id] = key["correct"]
        elif q.qtype == "short":
            answers[q.id] = key["accepted"][0]
        else:
            answers[q.id] = str(key["value"])
    return answers


def open_quiz(make, audience, version=None, **overrides):
    """A quiz open at the app's current time: the frozen clock's when a test holds it."""
    from quizapp.clock import now_utc

    now = now_utc()
    overrides.setdefault("opens_at", now - timedelta(days=1))
    overrides.setdefault("closes_at", now + timedelta(days=1))
    return make_quiz(make, audience, version, **overrides)


class Sitting:
    """A member signed in on a test client, with an open quiz: the HTTP tests' stage."""

    def __init__(self, make, login, **quiz_settings):
        from quizapp.extensions import db

        self.tree = make.province()
        self.member = make.member(self.tree["na_san"], "Lò Thị Mai")
        self.user = make.user(member=self.member)
        self.quiz = open_quiz(make, self.tree["province"], **quiz_settings)
        db.session.commit()
        self.client = login(self.user)

    def start(self):
        """Start (or resume) through the page; returns the attempt."""
        from quizapp.extensions import db
        from quizapp.models import Attempt

        reply = self.client.post(f"/m/quizzes/{self.quiz.id}/start")
        assert reply.status_code == 302, reply.get_data(as_text=True)
        attempt_id = int(reply.headers["Location"].rstrip("/").split("/")[-1])
        db.session.expire_all()
        return db.session.get(Attempt, attempt_id)

    def save(self, attempt, question_id, answer, seq, flagged=False, **headers):
        """POST the autosave JSON as the page does."""
        return self.client.post(
            "/m/api/answers",
            headers=headers,
            json={
                "attempt": attempt.id,
                "question": question_id,
                "answer": answer,
                "seq": seq,
                "flagged": flagged,
            },
        )
