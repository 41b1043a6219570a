"""Commands for quizzes: create and list, allowances, reopen, the overdue sweep (cron) and regrade."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from sqlalchemy import func, select

from quizapp import formatting
from quizapp.cli.unit import checkpoint, command, discard, group
from quizapp.clock import now_utc
from quizapp.extensions import db
from quizapp.models import Attempt, GradingPolicy, Member, Quiz, ReviewPolicy, Unit
from quizapp.services import exports, uploads
from quizapp.services.attempts import lifecycle as attempts
from quizapp.services.contests import ranking as contest_ranking
from quizapp.services.contests import rounds as contest_rounds
from quizapp.services.contests import tables as contest_tables
from quizapp.services.quizzes import overrides as quiz_overrides
from quizapp.services.quizzes import regrade
from quizapp.services.quizzes import settings as quizzes

# The option that sets each QuizSettings field, to name it in error messages.
OPTION_OF = {
    "title": "--title",
    "description": "--description",
    "opens_at": "--opens",
    "closes_at": "--closes",
    "time_limit_seconds": "--time-limit",
    "draw_rules": "--draw/--per-topic",
    "attempts_allowed": "--attempts",
    "grading_policy": "--grading",
    "pass_mark": "--pass-mark",
    "review_policy": "--review",
    "target_rate": "--target-rate",
    "target_date": "--target-date",
    "prediction_question": "--prediction-question",
    "prediction_answer": "--prediction-answer",
}


def parse_local_time(text: str) -> datetime:
    """A time typed in Vietnam time ("2025-03-03 08:00" or "03/03/2025 08:00"), as aware UTC."""
    moment = formatting.parse_local_time(text)
    if moment is not None:
        return moment
    raise click.BadParameter(
        f"'{text}' không phải thời điểm hợp lệ; ví dụ: 2025-03-03 08:00 (giờ Việt Nam)."
    )


def parse_draw(value: str, per_topic: tuple[str, ...]) -> dict | None:
    """--draw all | total:N | per-topic:N, plus --per-topic "Chủ đề=N" (repeatable)."""
    if per_topic:
        rules = {}
        for entry in per_topic:
            title, sep, n = entry.rpartition("=")
            if not sep or not title.strip() or not n.strip().isdigit():
                raise click.BadParameter(f"'{entry}': hãy viết dạng \"Tên chủ đề=số câu\".")
            rules[title.strip()] = int(n)
        return {"per_topic": rules}
    kind, _, n = value.partition(":")
    if kind == "all" and not n:
        return None
    if kind in ("total", "per-topic") and n.isdigit():
        return {"total": int(n)} if kind == "total" else {"per_topic": int(n)}
    raise click.BadParameter(f"'{value}': dùng all, total:N hoặc per-topic:N.")


def _unit(code: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise click.ClickException(f"Không có đơn vị mã '{code}'.")
    return unit


def _quiz(quiz_id: int) -> Quiz:
    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None:
        raise click.ClickException(f"Không có đợt kiểm tra số {quiz_id}.")
    return quiz


@group("quiz")
def quiz_group() -> None:
    """Quizzes (đợt kiểm tra): create, list, ranking, allowances, reopen."""


@quiz_group.command("create")
@click.option("--bank", "slug", required=True, help="Mã (slug) của ngân hàng câu hỏi.")
@click.option("--version", "number", type=int, help="Số phiên bản (mặc định: mới nhất).")
@click.option("--title", required=True, help="Tên đợt kiểm tra.")
@click.option("--description", default="", help="Mô tả ngắn.")
@click.option("--audience", "audience_code", required=True, help="Mã đơn vị dự thi (cả cây con).")
@click.option("--opens", required=True, help="Mở lúc (giờ Việt Nam), ví dụ 2025-03-03 08:00.")
@click.option("--closes", required=True, help="Đóng lúc (giờ Việt Nam).")
@click.option(
    "--time-limit", "minutes", type=float, default=30, show_default=True, help="Phút làm bài."
)
@click.option("--draw", default="all", show_default=True, help="all | total:N | per-topic:N")
@click.option("--per-topic", multiple=True, help='"Tên chủ đề=N" (lặp lại cho từng chủ đề).')
@click.option("--shuffle-questions/--no-shuffle-questions", default=True, show_default=True)
@click.option("--shuffle-options/--no-shuffle-options", default=True, show_default=True)
@click.option(
    "--attempts",
    "attempts_allowed",
    default="1",
    show_default=True,
    help="Số lượt làm bài, hoặc 'unlimited'.",
)
@click.option(
    "--grading",
    type=click.Choice([p.value for p in GradingPolicy]),
    default="highest",
    show_default=True,
)
@click.option("--pass-mark", type=float, default=50, show_default=True, help="Điểm đạt (%).")
@click.option(
    "--review",
    type=click.Choice([p.value for p in ReviewPolicy]),
    default="explanations",
    show_default=True,
)
@click.option(
    "--target-rate", type=float, default=90, show_default=True, help="Chỉ tiêu tham gia (%)."
)
@click.option(
    "--target-date", type=click.DateTime(["%Y-%m-%d", "%d/%m/%Y"]), help="Hạn đạt chỉ tiêu."
)
@click.option("--prediction-question", help="Câu hỏi dự đoán (số nguyên) để xếp giải.")
@click.option("--prediction-answer", type=int, help="Đáp án câu hỏi dự đoán (có thể nhập sau).")
@click.option("--if-absent", is_flag=True, help="Không tạo nếu đã có đợt cùng tên (cho bản demo).")
def create(
    slug,
    number,
    title,
    description,
    audience_code,
    opens,
    closes,
    minutes,
    draw,
    per_topic,
    shuffle_questions,
    shuffle_options,
    attempts_allowed,
    grading,
    pass_mark,
    review,
    target_rate,
    target_date,
    prediction_question,
    prediction_answer,
    if_absent,
) -> None:
    """Create a quiz from a bank version (every setting as an option; times in Vietnam time)."""
    if if_absent and db.session.scalar(select(Quiz).where(Quiz.title == title)) is not None:
        click.echo(f"Đã có đợt kiểm tra '{title}', không tạo thêm.")
        return
    version = quizzes.find_bank_version(slug, number)
    if version is None:
        raise click.ClickException(
            f"Không có ngân hàng '{slug}'" + (f" phiên bản {number}." if number else ".")
        )
    if attempts_allowed.strip().lower() in ("unlimited", "khong-gioi-han", "0"):
        allowed = None
    elif attempts_allowed.strip().isdigit():
        allowed = int(attempts_allowed)
    else:
        raise click.BadParameter("--attempts: một số nguyên dương hoặc 'unlimited'.")
    settings = quizzes.QuizSettings(
        title=title,
        description=description,
        opens_at=parse_local_time(opens),
        closes_at=parse_local_time(closes),
        time_limit_seconds=round(minutes * 60),
        draw_rules=parse_draw(draw, per_topic),
        shuffle_questions=shuffle_questions,
        shuffle_options=shuffle_options,
        attempts_allowed=allowed,
        grading_policy=grading,
        pass_mark=pass_mark,
        review_policy=review,
        target_rate=target_rate,
        target_date=target_date.date() if target_date else None,
        prediction_question=prediction_question,
        prediction_answer=prediction_answer,
    )
    try:
        quiz = quizzes.create_quiz(version, _unit(audience_code), settings, None, now_utc())
    except quizzes.QuizSettingsError as err:
        lines = "\n".join(
            f"  {OPTION_OF.get(name, name)}: {message}" for name, message in err.errors.items()
        )
        raise click.ClickException(f"Không tạo được đợt kiểm tra:\n{lines}") from err
    click.echo(
        f"Đã tạo đợt kiểm tra số {quiz.id}: {quiz.title} "
        f"({quizzes.questions_per_attempt(version, quiz.draw_rules)} câu/lượt, "
        f"mở {formatting.time_text(quiz.opens_at)} – đóng {formatting.time_text(quiz.closes_at)})."
    )


@quiz_group.command("list")
def list_quizzes() -> None:
    """List quizzes with their window and how many attempts they have."""
    counts = dict(
        db.session.execute(
            select(Attempt.quiz_id, func.count(Attempt.id)).group_by(Attempt.quiz_id)
        ).all()
    )
    for quiz in db.session.scalars(select(Quiz).order_by(Quiz.opens_at.desc(), Quiz.id)):
        bank = quiz.bank_version.bank
        click.echo(
            f"{quiz.id:>4}  {quiz.title}  [{bank.slug} v{quiz.bank_version.number}]  "
            f"{quiz.audience_unit.code}  {formatting.time_text(quiz.opens_at)} → "
            f"{formatting.time_text(quiz.effective_closes_at)}  {counts.get(quiz.id, 0)} lượt"
        )


@quiz_group.command("ranking")
@click.argument("quiz_id", type=int)
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    help="Ghi ra tệp .csv hoặc .xlsx (mặc định: in ra màn hình).",
)
def ranking_command(quiz_id: int, out: str | None) -> None:
    """Print or write one round's ranking, best first (rank, member, score, guess, time)."""
    quiz = _quiz(quiz_id)
    fmt = Path(out).suffix.lower().lstrip(".") if out else None
    if out and fmt not in ("csv", "xlsx"):
        raise click.BadParameter("--out: tên tệp phải kết thúc bằng .csv hoặc .xlsx.")
    contest_round = contest_rounds.round_of(quiz)
    result = contest_ranking.ranking(quiz, contest_round.contest if contest_round else None)
    headers, rows, formats = contest_tables.ranking_table(result)
    note = " (tạm thời: chưa có đáp án câu dự đoán)" if result.provisional else ""
    if out:
        data = (
            exports.to_xlsx(headers, rows, quiz.title, formats)
            if fmt == "xlsx"
            else exports.to_csv(headers, rows)
        )
        Path(out).write_bytes(data)
        click.echo(f"Đã ghi {out}: {result.total} người được xếp hạng{note}.")
        return
    click.echo(f"Xếp hạng đợt {quiz.id}: {quiz.title}{note}")
    click.echo("\t".join(headers))
    for line in rows:
        line[-1] = formatting.time_text(line[-1])
        click.echo("\t".join("" if v is None else str(v) for v in line))


@quiz_group.command("allow")
@click.argument("quiz_id", type=int)
@click.argument("member_code")
@click.option("--extra-minutes", type=int, default=0, show_default=True)
@click.option("--extra-attempts", type=int, default=0, show_default=True)
def allow(quiz_id: int, member_code: str, extra_minutes: int, extra_attempts: int) -> None:
    """Give a member extra time and/or attempts on a quiz."""
    member = db.session.scalar(select(Member).where(Member.code == member_code))
    if member is None:
        raise click.ClickException(f"Không có đoàn viên mã '{member_code}'.")
    try:
        quiz_overrides.grant_allowance(
            _quiz(quiz_id),
            member,
            None,
            now_utc(),
            extra_seconds=extra_minutes * 60,
            extra_attempts=extra_attempts,
        )
    except attempts.AttemptError as err:
        raise click.ClickException(err.message) from err
    click.echo(f"Đã cộng {extra_minutes} phút và {extra_attempts} lượt cho {member.full_name}.")


@quiz_group.command("reopen")
@click.argument("attempt_id", type=int)
@click.option("--minutes", type=int, default=10, show_default=True)
def reopen(attempt_id: int, minutes: int) -> None:
    """Reopen a finished attempt for a few more minutes (its answers are kept)."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        raise click.ClickException(f"Không có bài làm số {attempt_id}.")
    try:
        quiz_overrides.reopen_attempt(attempt, None, now_utc(), minutes * 60)
    except attempts.AttemptError as err:
        raise click.ClickException(err.message) from err
    click.echo(f"Đã mở lại bài làm số {attempt_id} đến {formatting.time_text(attempt.deadline)}.")


@command("sweep")
@click.option("--batch", type=int, default=200, show_default=True)
def sweep(batch: int) -> None:
    """Finalise attempts past deadline + grace with their saved answers (run from cron each minute)."""
    total = 0
    while True:
        now = now_utc()
        done = attempts.finalise_overdue(attempts.overdue_query(now, limit=batch), now)
        checkpoint()  # each batch is kept and its locks released before the next
        total += done
        if done < batch:
            break
    uploads.purge_expired(now_utc())  # previews nobody confirmed
    click.echo(f"Đã kết thúc {total} bài làm quá giờ.")


@command("regrade")
@click.argument("quiz_id", type=int)
@click.option(
    "--version", "number", type=int, help="Phiên bản đã sửa (mặc định: mới nhất của ngân hàng)."
)
@click.option("--dry-run", is_flag=True, help="Chỉ báo cáo, không ghi.")
def regrade_command(quiz_id: int, number: int | None, dry_run: bool) -> None:
    """Re-score QUIZ_ID's finished attempts with a corrected bank version's keys."""
    quiz = _quiz(quiz_id)
    version = quizzes.find_bank_version(quiz.bank_version.bank.slug, number)
    if version is None:
        raise click.ClickException(f"Ngân hàng không có phiên bản {number}.")
    try:
        report = regrade.regrade_quiz(quiz, version, now_utc(), dry_run=dry_run)
    except regrade.RegradeError as err:
        raise click.ClickException(str(err)) from err
    if dry_run:
        discard()
    click.echo(
        f"Chấm lại theo phiên bản {report.version_number}: {report.checked} bài đã xét, "
        f"{len(report.changes)} bài đổi điểm" + (" (chạy thử, chưa ghi)." if dry_run else ".")
    )
    if report.keys_changed:
        click.echo("Câu đổi đáp án/điểm: " + ", ".join(report.keys_changed))
    if report.unmatched:
        click.echo("Giữ đáp án cũ (không khớp được phương án): " + ", ".join(report.unmatched))
    for change in report.changes:
        click.echo(
            f"  bài {change.attempt_id} ({change.member_code}): {change.old_score} → {change.new_score}"
            + (
                ""
                if change.old_passed == change.new_passed
                else (" — nay ĐẠT" if change.new_passed else " — nay KHÔNG ĐẠT")
            )
        )
    if report.quiz_moved:
        click.echo(f"Các lượt làm mới sẽ dùng phiên bản {report.version_number}.")


COMMANDS = [quiz_group, sweep, regrade_command]
