"""`quizapp reports rebuild [QUIZ_ID]`: recompute the report read models from raw attempts."""

from __future__ import annotations

import time

import click
from sqlalchemy import select

from quizapp.cli.unit import UnitGroup
from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.models import Quiz
from quizapp.services.demo.activity import DemoActivityError, simulate_activity
from quizapp.services.reports import participation
from quizapp.services.reports.roster_counts import refresh_roster_counts

reports_cli = UnitGroup("reports", help="Báo cáo tham gia: tính lại số liệu.")


@reports_cli.command("rebuild")
@click.argument("quiz_id", type=int, required=False)
def rebuild(quiz_id: int | None) -> None:
    """Recompute participation, unit counters and roster denominators (all quizzes, or QUIZ_ID)."""
    started = time.perf_counter()
    refresh_roster_counts()
    if quiz_id is not None:
        quiz = db.session.get(Quiz, quiz_id)
        if quiz is None:
            raise click.ClickException(f"Không có đợt kiểm tra số {quiz_id}.")
        quizzes = [quiz]
    else:
        quizzes = list(db.session.scalars(select(Quiz).order_by(Quiz.id)))
    for quiz in quizzes:
        participation.rebuild_quiz(quiz)
        click.echo(
            f"Đợt {quiz.id} «{quiz.title}»: {participation.participant_count(quiz.id)} đoàn viên đã bắt đầu làm bài."
        )
    click.echo(
        f"Đã tính lại số liệu báo cáo cho {len(quizzes)} đợt kiểm tra "
        f"trong {time.perf_counter() - started:.1f} giây."
    )


@reports_cli.command("demo-activity")
@click.argument("quiz_id", type=int)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--limit", type=int, help="Số đoàn viên làm bài tối đa.")
def demo_activity(quiz_id: int, seed: int, limit: int | None) -> None:
    """DEMO ONLY: members of QUIZ_ID's audience take it on past days (real attempts)."""
    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None:
        raise click.ClickException(f"Không có đợt kiểm tra số {quiz_id}.")
    try:
        result = simulate_activity(quiz, now_utc(), seed, limit)
    except DemoActivityError as err:
        raise click.ClickException(str(err)) from err
    click.echo(
        f"Dữ liệu mẫu: {result['finished']} / {result['audience']} đoàn viên đã làm bài «{quiz.title}»."
    )


COMMANDS = [reports_cli]
