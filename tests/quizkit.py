"""Shared set-up for the quiz, attempt and member tests: named instants and a quiz builder."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from quizapp.extensions import db
from quizapp.services.quizzes import settings as quizzes

# Named instants (UTC). The quiz is open for a week from OPENS; the limit is 30 minutes.
OPENS = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)   # 08:00 in Hà Nội
DURING = OPENS + timedelta(days=1)
CLOSES = OPENS + timedelta(days=7)
AFTER = CLOSES + timedelta(days=1)
LIMIT = timedelta(minutes=30)


def settings(**overrides) -> quizzes.QuizSettings:
    """Quiz settings with the named window; any field may be overridden."""
    values = {"title": "Tìm hiểu Nghị quyết Đại hội Đoàn XII", "opens_at": OPENS, "closes_at": CLOSES,
              "time_limit_seconds": int(LIMIT.total_seconds()), "shuffle_questions": False,
              "shuffle_options": False, "attempts_allowed": 2}
    values.update(overrides)
    return quizzes.QuizSettings(**values)


def make_quiz(make, audience, version=None, **overrides):
    """A quiz over `version` (or a new bank) for the `audience` subtree, flushed."""
    version = version or make.bank()
    quiz = quizzes.create_quiz(version, audience, settings(**overrides), None, OPENS - timedelta(days=1))
    db.session.flush()
    return quiz


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
    """A quiz open right now (for HTTP tests, whose views read the real clock)."""
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
        return self.client.post("/m/api/answers", headers=headers, json={
            "attempt": attempt.id, "question": question_id, "answer": answer, "seq": seq, "flagged": flagged})
