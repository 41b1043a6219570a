"""After a scenario: answers in the database = answers acknowledged; attempts finalised once."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from bench.load.seed import bench_app
from quizapp.extensions import db
from quizapp.models import Attempt, Participation, Response


def check(database_url: str, run, quiz_id: int, expect_finished: bool) -> dict:
    """Compare the acknowledged (attempt, question, seq) with the rows; count finalisations."""
    app = bench_app(database_url)
    with app.app_context():
        rows = {}
        ids = list(run.attempts)
        for chunk in range(0, len(ids), 500):
            for a, q, seq, answer in db.session.execute(
                select(
                    Response.attempt_id, Response.question_id, Response.seq, Response.answer
                ).where(Response.attempt_id.in_(ids[chunk : chunk + 500]))
            ):
                rows[(a, q)] = (seq, answer)
        lost = [k for k, ack in run.acks.items() if k not in rows or rows[k][0] < ack.seq]
        changed = [
            k
            for k, ack in run.acks.items()
            if k in rows and rows[k][0] == ack.seq and rows[k][1] != ack.answer
        ]
        # Rows newer than the last acknowledgement: committed, but the reply never arrived.
        unacked = [k for k, (seq, _) in rows.items() if k not in run.acks or seq > run.acks[k].seq]
        matched = sum(
            1 for k, ack in run.acks.items() if k in rows and rows[k] == (ack.seq, ack.answer)
        )
        states = Counter(
            db.session.scalars(select(Attempt.state).where(Attempt.quiz_id == quiz_id))
        )
        finished_counts = Counter(
            db.session.scalars(
                select(Participation.attempts_finished).where(Participation.quiz_id == quiz_id)
            )
        )
        attempts_per_member = Counter(
            db.session.scalars(
                select(func.count())
                .select_from(Attempt)
                .where(Attempt.quiz_id == quiz_id)
                .group_by(Attempt.member_id)
            )
        )
        db.session.remove()
        db.engine.dispose()
    result = {
        "acknowledged": len(run.acks),
        "rows": len(rows),
        "rows_matching_acks": matched,
        "lost": len(lost),
        "changed": len(changed),
        "rows_without_ack": len(unacked),
        "attempt_states": dict(states),
        "participation_attempts_finished": dict(finished_counts),
        "members_with_more_than_one_attempt": sum(
            n for k, n in attempts_per_member.items() if k > 1
        ),
    }
    if expect_finished:
        result["finalised_exactly_once"] = (
            states.get("in_progress", 0) == 0
            and set(finished_counts) <= {1}
            and sum(finished_counts.values()) == sum(states.values())
        )
    return result
