"""`quizapp contest …`: create contests, attach quizzes as rounds, list them."""

from __future__ import annotations

import click
from sqlalchemy import select

from quizapp import formatting
from quizapp.cli.unit import group
from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.models import Contest, Quiz, Unit
from quizapp.services.contests import rounds


@group("contest")
def contest_group() -> None:
    """Contests (cuộc thi): create, add rounds, list."""


@contest_group.command("create")
@click.option("--title", required=True, help="Tên cuộc thi.")
@click.option("--audience", "audience_code", required=True, help="Mã đơn vị dự thi (cả cây con).")
@click.option(
    "--prediction/--no-prediction",
    default=True,
    show_default=True,
    help="Xếp hạng theo câu hỏi dự đoán khi bằng điểm.",
)
@click.option(
    "--time/--no-time",
    "use_time",
    default=True,
    show_default=True,
    help="Xếp hạng theo thời gian làm bài khi bằng điểm.",
)
@click.option(
    "--one-prize-per-contest", is_flag=True, help="Mỗi người chỉ nhận một giải cả cuộc thi."
)
def create(
    title: str, audience_code: str, prediction: bool, use_time: bool, one_prize_per_contest: bool
) -> None:
    """Create a contest over a unit's subtree."""
    audience = db.session.scalar(select(Unit).where(Unit.code == audience_code))
    if audience is None:
        raise click.ClickException(f"Không có đơn vị mã '{audience_code}'.")
    try:
        contest = rounds.create_contest(
            title,
            audience,
            now_utc(),
            use_prediction=prediction,
            use_time=use_time,
            one_prize_per_contest=one_prize_per_contest,
        )
    except rounds.ContestError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"Đã tạo cuộc thi số {contest.id}: {contest.title} ({audience.name}).")


@contest_group.command("add-round")
@click.argument("contest_id", type=int)
@click.argument("quiz_id", type=int)
@click.option(
    "--label", help='Tên vòng, ví dụ "Tuần 1" (mặc định: tiếp theo tên vòng trước, hoặc "Vòng N").'
)
@click.option("--first", type=click.IntRange(0), default=0, show_default=True, help="Số giải nhất.")
@click.option("--second", type=click.IntRange(0), default=0, show_default=True, help="Số giải nhì.")
@click.option("--third", type=click.IntRange(0), default=0, show_default=True, help="Số giải ba.")
@click.option(
    "--consolation",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    help="Số giải khuyến khích.",
)
def add_round(
    contest_id: int,
    quiz_id: int,
    label: str | None,
    first: int,
    second: int,
    third: int,
    consolation: int,
) -> None:
    """Attach a quiz to a contest as its next round, with its prize counts."""
    contest = db.session.get(Contest, contest_id)
    if contest is None:
        raise click.ClickException(f"Không có cuộc thi số {contest_id}.")
    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None:
        raise click.ClickException(f"Không có đợt kiểm tra số {quiz_id}.")
    try:
        row = rounds.add_round(
            contest, quiz, label, first=first, second=second, third=third, consolation=consolation
        )
    except rounds.ContestError as err:
        raise click.ClickException(str(err)) from err
    click.echo(
        f"Đã thêm {row.label}: đợt kiểm tra số {quiz.id} ({quiz.title}) vào cuộc thi "
        f"{contest.title}."
    )


@contest_group.command("list")
def list_contests() -> None:
    """List contests and their rounds."""
    found = rounds.contests()
    if not found:
        click.echo("Chưa có cuộc thi nào.")
    for contest in found:
        click.echo(
            f"{contest.id:>4}  {contest.title}  {contest.audience_unit.code}  "
            f"{len(contest.rounds)} vòng"
        )
        for row in contest.rounds:
            quiz = row.quiz
            prizes = (
                f"giải: {row.first_prizes}/{row.second_prizes}/{row.third_prizes}"
                f"/{row.consolation_prizes}"
            )
            click.echo(
                f"      {row.position}. {row.label}  (đợt {quiz.id}: {quiz.title})  "
                f"{formatting.time_text(quiz.opens_at)} → "
                f"{formatting.time_text(quiz.effective_closes_at)}  {prizes}"
            )


COMMANDS = [contest_group]
