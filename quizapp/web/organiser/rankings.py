"""A round's ranking and prize list in the console, and its CSV/XLSX download (organisers)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _

from quizapp.models import Quiz
from quizapp.services import exports
from quizapp.services.contests import prizes as prize_service
from quizapp.services.contests import ranking as ranking_service
from quizapp.services.contests import results, rounds, tables
from quizapp.web.organiser.common import now
from quizapp.web.organiser.contest_forms import PredictionForm, PrizeForm
from quizapp.web.organiser.quizzes import quiz_or_404
from quizapp.web.organiser.views import bp

PAGE_SIZE = 100


def ranking_page(
    quiz: Quiz,
    *,
    page: int = 1,
    prize_form: PrizeForm | None = None,
    prediction_form: PredictionForm | None = None,
    prediction_error: str | None = None,
    status: int = 200,
):
    """The ranking page, with the round's forms (those given keep what was typed and its errors)."""
    contest_round = rounds.round_of(quiz)
    contest = contest_round.contest if contest_round else None
    result = ranking_service.ranking(quiz, contest, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    pages = max(1, -(-result.total // PAGE_SIZE))
    if page > pages:
        abort(404)
    prize_list = prize_service.prize_list(contest_round) if contest_round else None
    if contest_round and prize_form is None:
        prize_form = PrizeForm(
            formdata=None,
            first=contest_round.first_prizes,
            second=contest_round.second_prizes,
            third=contest_round.third_prizes,
            consolation=contest_round.consolation_prizes,
        )
    closed = results.has_closed(quiz, now())
    computed = None
    if quiz.prediction_question and closed:
        computed = {
            results.Source.PARTICIPANTS: results.participants(quiz),
            results.Source.PERFECT: results.perfect_scores(quiz),
        }
    return render_template(
        "organiser/quiz_ranking.html",
        quiz=quiz,
        result=result,
        page=page,
        pages=pages,
        contest_round=contest_round,
        prize_list=prize_list,
        prize_names=tables.prize_names(),
        headers=tables.ranking_headers(),
        prize_form=prize_form,
        closed=closed,
        computed=computed,
        prediction_form=prediction_form or PredictionForm(formdata=None),
        prediction_error=prediction_error,
        Source=results.Source,
    ), status


@bp.get("/quizzes/<int:quiz_id>/ranking")
def quiz_ranking(quiz_id: int):
    """The round's ranking, a page at a time, with its prize list when it is a contest round."""
    quiz = quiz_or_404(quiz_id)
    return ranking_page(quiz, page=max(1, request.args.get("page", 1, type=int) or 1))


@bp.get("/quizzes/<int:quiz_id>/ranking.<fmt>")
def quiz_ranking_export(quiz_id: int, fmt: str):
    """The whole ranking as CSV (with BOM) or XLSX, formula-safe."""
    quiz = quiz_or_404(quiz_id)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    contest_round = rounds.round_of(quiz)
    result = ranking_service.ranking(quiz, contest_round.contest if contest_round else None)
    headers, rows, formats = tables.ranking_table(result)
    return exports.as_download(
        fmt, headers, rows, f"xep-hang-dot-{quiz.id}", _("Xếp hạng"), formats
    )


@bp.get("/quizzes/<int:quiz_id>/prizes.<fmt>")
def round_prizes_export(quiz_id: int, fmt: str):
    """The round's prize list as CSV (with BOM) or XLSX, formula-safe; an open tie says so."""
    quiz = quiz_or_404(quiz_id)
    contest_round = rounds.round_of(quiz)
    if fmt not in ("csv", "xlsx") or contest_round is None:
        abort(404)
    headers, rows, formats = tables.prize_table(prize_service.prize_list(contest_round))
    return exports.as_download(
        fmt, headers, rows, f"danh-sach-giai-dot-{quiz.id}", _("Danh sách giải"), formats
    )
