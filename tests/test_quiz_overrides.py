"""Extra time, extra attempts and reopened attempts are audited the same way from the console and the CLI."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from quizapp.cli import quizzes as quiz_cli
from quizapp.extensions import db
from quizapp.models import AttemptState, AuditEntry
from quizapp.services.attempts import lifecycle as attempts
from quizapp.services.quizzes import overrides as quiz_overrides
from tests.quizkit import DURING, make_quiz


@pytest.fixture
def sitting(make):
    """A running attempt of Lò Thị Mai on a quiz for the province, started at DURING."""
    tree = make.province()
    quiz = make_quiz(make, tree["province"])
    member = make.member(tree["na_san"], "Lò Thị Mai", code="DV-MAI")
    attempt = attempts.start_attempt(quiz, member, DURING)
    db.session.commit()
    return quiz, member, attempt


@pytest.fixture
def cli_at_during(monkeypatch):
    monkeypatch.setattr(quiz_cli, "now_utc", lambda: DURING + timedelta(minutes=5))


def _entries() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_allowance_is_audited_with_before_and_after(sitting, make):
    quiz, member, _attempt = sitting
    actor = make.user("bantuyengiao")
    quiz_overrides.grant_allowance(quiz, member, actor, DURING, extra_seconds=600)
    quiz_overrides.grant_allowance(quiz, member, actor, DURING, extra_seconds=600, extra_attempts=1)
    entries = _entries()
    assert [e.action for e in entries] == ["allowance.set", "allowance.set"]
    assert entries[0].before is None and entries[0].after == {
        "extra_seconds": 600,
        "extra_attempts": 0,
    }
    assert entries[1].before == {"extra_seconds": 600, "extra_attempts": 0}
    assert (entries[1].actor_id, entries[1].unit_id) == (actor.id, member.chapter_id)


def test_reopen_is_audited_with_the_state_before(sitting):
    _quiz, _member, attempt = sitting
    attempts.submit_attempt(attempt, DURING + timedelta(minutes=1))
    quiz_overrides.reopen_attempt(attempt, None, DURING + timedelta(minutes=2), 300)
    entry = _entries()[-1]
    assert entry.action == "attempt.reopen"
    assert (
        entry.before["state"] == AttemptState.FINISHED
        and entry.after["state"] == AttemptState.IN_PROGRESS
    )


def test_a_refused_reopen_leaves_no_audit_entry(sitting):
    _quiz, _member, attempt = sitting
    with pytest.raises(attempts.AttemptError):
        quiz_overrides.reopen_attempt(attempt, None, DURING, 300)  # still in progress
    assert _entries() == []


def test_cli_allow_writes_the_same_audit_entry_without_an_actor(runner, sitting, cli_at_during):
    quiz, member, _attempt = sitting
    result = runner.invoke(args=["quiz", "allow", str(quiz.id), "DV-MAI", "--extra-minutes", "15"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    entry = _entries()[-1]
    assert (entry.action, entry.actor_id, entry.unit_id) == (
        "allowance.set",
        None,
        member.chapter_id,
    )
    assert entry.after == {"extra_seconds": 900, "extra_attempts": 0}


def test_cli_reopen_writes_the_same_audit_entry_without_an_actor(runner, sitting, cli_at_during):
    _quiz, _member, attempt = sitting
    attempts.submit_attempt(attempt, DURING + timedelta(minutes=1))
    db.session.commit()
    result = runner.invoke(args=["quiz", "reopen", str(attempt.id), "--minutes", "5"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    entry = _entries()[-1]
    assert (entry.action, entry.actor_id) == ("attempt.reopen", None)
    assert entry.target.endswith("/ DV-MAI / #1")
