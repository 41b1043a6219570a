"""What an attempt froze at its start: its items, its responses, and its keys after a regrade.

Below the lifecycle and the regrade, which both read it: attempts keep their snapshot
(question ids, option order); a corrected bank version only lends keys and points,
matched by `Question.uid`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from quizapp.extensions import db
from quizapp.models import Attempt, AttemptItem, BankVersion, Question, Quiz, Response


def responses_of(attempt: Attempt) -> dict[int, Response]:
    """The attempt's stored responses by question id, read fresh from the database."""
    rows = db.session.scalars(
        select(Response)
        .where(Response.attempt_id == attempt.id)
        .execution_options(populate_existing=True)
    )
    return {r.question_id: r for r in rows}


def items_of(attempt: Attempt) -> list[AttemptItem]:
    """The attempt's items in order, their questions loaded in one query (not one per item)."""
    items = list(attempt.items)
    missing = [i for i in items if "question" not in i.__dict__]
    if missing:
        found = {
            q.id: q
            for q in db.session.scalars(
                select(Question).where(Question.id.in_([i.question_id for i in missing]))
            )
        }
        for item in missing:
            set_committed_value(item, "question", found[item.question_id])
    return items


def corrected_keys(
    snapshot_questions: list[Question], version: BankVersion
) -> tuple[dict[str, Question], list[str]]:
    """Questions of `version` usable as keys for the snapshot's questions, by uid; and unmatched uids."""
    by_uid = {
        q.uid: q
        for q in db.session.scalars(select(Question).where(Question.version_id == version.id))
    }
    keys, unmatched = {}, []
    for old in snapshot_questions:
        new = by_uid.get(old.uid)
        if (
            new is None
            or new.qtype != old.qtype
            or len(new.options or []) != len(old.options or [])
        ):
            unmatched.append(old.uid)
        else:
            keys[old.uid] = new
    return keys, sorted(set(unmatched))


def keys_for_attempt(attempt: Attempt) -> dict[str, Question] | None:
    """Keys from the quiz's current version when it differs from the attempt's snapshot."""
    items = items_of(attempt)
    if not items or items[0].question.version_id == attempt.quiz.bank_version_id:
        return None
    return corrected_keys([i.question for i in items], attempt.quiz.bank_version)[0]


def snapshot_questions(quiz: Quiz) -> list[Question]:
    """Every question some attempt of the quiz drew, whatever version it came from."""
    return list(
        db.session.scalars(
            select(Question).where(
                Question.id.in_(
                    select(AttemptItem.question_id)
                    .join(Attempt, AttemptItem.attempt_id == Attempt.id)
                    .where(Attempt.quiz_id == quiz.id)
                )
            )
        )
    )
