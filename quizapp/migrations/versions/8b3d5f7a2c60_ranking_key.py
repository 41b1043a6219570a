"""ranking key: each member's counted attempt for a quiz, stored in participation with its index

Revision ID: 8b3d5f7a2c60
Revises: 7a2e4c9d1b35

The backfill computes the keys from attempts with the rules as they are at this revision
(services/reports/rank_keys.py), on its own so later changes to the services cannot alter it.
"""
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "8b3d5f7a2c60"
down_revision = "7a2e4c9d1b35"
branch_labels = None
depends_on = None

_COLUMNS = ("rank_percent", "rank_guessed", "rank_guess", "rank_distance", "rank_ms",
            "rank_finished_at")
_MS = timedelta(milliseconds=1)


def upgrade():
    with op.batch_alter_table("participation") as batch:
        batch.add_column(sa.Column("rank_percent", sa.Float(), nullable=True))
        batch.add_column(sa.Column("rank_guessed", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("rank_guess", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("rank_distance", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("rank_ms", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("rank_finished_at", sa.DateTime(), nullable=True))
    _backfill()
    op.create_index("ix_participation_rank", "participation", [
        "quiz_id", sa.text("rank_percent DESC"), sa.text("rank_guessed DESC"), "rank_distance",
        "rank_ms", "rank_finished_at", "member_id"])


def _key(policy, prediction, timed, answer, attempts, active):
    finished = [a for a in attempts if a.state != "in_progress" and a.finished_at is not None]
    if not finished:
        return dict.fromkeys(_COLUMNS)

    def ms(a):
        return (a.finished_at - a.started_at + _MS / 2) // _MS

    def distance(a):
        return None if a.prediction_guess is None or answer is None else abs(a.prediction_guess - answer)

    def order(a):
        key = (-(a.percent or 0.0),)
        if prediction:
            d = distance(a)
            key += (a.prediction_guess is None, d is None, d or 0)
        if timed:
            key += (ms(a),)
        return (*key, a.finished_at, a.number)

    if policy == "first":
        a = min(finished, key=lambda a: a.number)
    elif policy == "last":
        a = max(finished, key=lambda a: a.number)
    else:
        a = min(finished, key=order)
    return {"rank_percent": (a.percent or 0.0) if active else None,
            "rank_guessed": a.prediction_guess is not None, "rank_guess": a.prediction_guess,
            "rank_distance": distance(a), "rank_ms": ms(a), "rank_finished_at": a.finished_at}


def _backfill():
    conn = op.get_bind()
    meta = sa.MetaData()
    quiz, attempt, member, participation, contest, contest_round = (
        sa.Table(name, meta, autoload_with=conn)
        for name in ("quiz", "attempt", "member", "participation", "contest", "contest_round"))
    rounds = {r.quiz_id: (r.use_prediction, r.use_time) for r in conn.execute(
        sa.select(contest_round.c.quiz_id, contest.c.use_prediction, contest.c.use_time)
        .join(contest, contest.c.id == contest_round.c.contest_id))}
    active = dict(conn.execute(sa.select(member.c.id, member.c.active)).all())
    change = (sa.update(participation)
              .where(participation.c.quiz_id == sa.bindparam("q"), participation.c.member_id == sa.bindparam("m"))
              .values({c: sa.bindparam(c) for c in _COLUMNS}))
    for q in conn.execute(sa.select(quiz.c.id, quiz.c.grading_policy, quiz.c.prediction_question,
                                    quiz.c.prediction_answer)).all():
        use_prediction, timed = rounds.get(q.id, (True, True))
        prediction = bool(q.prediction_question) and use_prediction
        by_member = {}
        for a in conn.execute(sa.select(attempt.c.member_id, attempt.c.number, attempt.c.state,
                                        attempt.c.started_at, attempt.c.finished_at, attempt.c.percent,
                                        attempt.c.prediction_guess).where(attempt.c.quiz_id == q.id)):
            by_member.setdefault(a.member_id, []).append(a)
        rows = [{"q": q.id, "m": m, **_key(q.grading_policy, prediction, timed, q.prediction_answer,
                                            attempts, bool(active.get(m)))}
                for m, attempts in by_member.items()]
        for start in range(0, len(rows), 2000):
            conn.execute(change, rows[start:start + 2000])


def downgrade():
    op.drop_index("ix_participation_rank", table_name="participation")
    with op.batch_alter_table("participation") as batch:
        for column in reversed(_COLUMNS):
            batch.drop_column(column)
