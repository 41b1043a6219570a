"""What an organiser decides about a round on its ranking page: the prizes it awards, the
prediction answer (typed, or computed from the round), and publishing its results."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from quizapp.formatting import num, time_text
from quizapp.models import ContestRound, Quiz
from quizapp.services.attempts.lifecycle import finalise_overdue_in
from quizapp.services.contests import prizes as prize_service
from quizapp.services.contests import results, rounds
from quizapp.web.organiser.common import now, record
from quizapp.web.organiser.contest_forms import PredictionForm, PrizeForm
from quizapp.web.organiser.forms import ConfirmForm
from quizapp.web.organiser.quizzes import quiz_or_404
from quizapp.web.organiser.rankings import ranking_page
from quizapp.web.organiser.views import bp


def refusal(error: results.RoundError, quiz: Quiz) -> str:
    """Why the round refused, in the user's language."""
    return {
        "not_closed": _(
            "Vòng thi chưa kết thúc (đóng lúc %(at)s): chỉ làm được việc này sau khi vòng thi đóng.",
            at=time_text(quiz.effective_closes_at),
        ),
        "provisional": _(
            "Chưa công bố được: xếp hạng còn tạm thời vì chưa có đáp án câu hỏi dự đoán. "
            "Hãy nhập hoặc tính đáp án trước."
        ),
        "no_question": _("Đợt kiểm tra này không có câu hỏi dự đoán."),
        "range": _("Đáp án là số nguyên từ 0 đến %(max)s.", max=num(results.MAX_ANSWER)),
    }[error.reason]


def _round_of(quiz: Quiz) -> ContestRound:
    contest_round = rounds.round_of(quiz)
    if contest_round is None:
        abort(404)
    return contest_round


def _target(quiz: Quiz) -> str:
    return f"quiz {quiz.id}: {quiz.title}"


def _back(quiz: Quiz):
    return redirect(url_for(".quiz_ranking", quiz_id=quiz.id))


def _prize_counts(contest_round: ContestRound) -> dict:
    return {
        "first_prizes": contest_round.first_prizes,
        "second_prizes": contest_round.second_prizes,
        "third_prizes": contest_round.third_prizes,
        "consolation_prizes": contest_round.consolation_prizes,
    }


@bp.post("/quizzes/<int:quiz_id>/ranking/prizes")
def round_prizes(quiz_id: int):
    """Set how many first, second, third and consolation prizes the round awards."""
    quiz = quiz_or_404(quiz_id)
    contest_round = _round_of(quiz)
    form = PrizeForm()
    if not form.validate():
        return ranking_page(quiz, prize_form=form, status=400)
    before = _prize_counts(contest_round)
    prize_service.set_prize_counts(
        contest_round, form.first.data, form.second.data, form.third.data, form.consolation.data
    )
    record(
        "contest.prizes",
        quiz.audience_unit,
        target=_target(quiz),
        before=before,
        after=_prize_counts(contest_round),
    )
    flash(_("Đã lưu số giải của vòng thi."), "success")
    return _back(quiz)


@bp.post("/quizzes/<int:quiz_id>/ranking/prediction")
def round_prediction(quiz_id: int):
    """Store the prediction answer: typed, or the round's participants or perfect scores."""
    quiz = quiz_or_404(quiz_id)
    form = PredictionForm()
    if not form.validate():
        return ranking_page(quiz, prediction_form=form, status=400)
    at = now()
    finalise_overdue_in(quiz, quiz.audience_unit, at)  # attempts left open count before counting
    before = {"prediction_answer": quiz.prediction_answer}
    try:
        value = results.set_prediction_answer(
            quiz, results.Source(form.source.data), at, form.answer.data
        )
    except results.RoundError as error:
        return ranking_page(
            quiz, prediction_form=form, prediction_error=refusal(error, quiz), status=400
        )
    record(
        "contest.prediction_answer",
        quiz.audience_unit,
        target=_target(quiz),
        before=before,
        after={"prediction_answer": value, "source": form.source.data},
    )
    flash(_("Đã lưu đáp án câu hỏi dự đoán: %(n)s.", n=num(value)), "success")
    return _back(quiz)


@bp.post("/quizzes/<int:quiz_id>/ranking/publish")
def round_publish(quiz_id: int):
    """Publish the round's results on its public page (refused while open or provisional)."""
    quiz = quiz_or_404(quiz_id)
    contest_round = _round_of(quiz)
    if ConfirmForm().validate_on_submit():
        try:
            results.publish(contest_round, now())
        except results.RoundError as error:
            flash(refusal(error, quiz), "error")
        else:
            record(
                "contest.publish",
                quiz.audience_unit,
                target=_target(quiz),
                after={"results_published_at": contest_round.results_published_at},
            )
            flash(_("Đã công bố kết quả vòng thi."), "success")
    return _back(quiz)


@bp.post("/quizzes/<int:quiz_id>/ranking/unpublish")
def round_unpublish(quiz_id: int):
    """Take the round's results off the public page."""
    quiz = quiz_or_404(quiz_id)
    contest_round = _round_of(quiz)
    if ConfirmForm().validate_on_submit() and contest_round.results_published_at is not None:
        before = {"results_published_at": contest_round.results_published_at}
        results.unpublish(contest_round)
        record(
            "contest.unpublish",
            quiz.audience_unit,
            target=_target(quiz),
            before=before,
            after={"results_published_at": None},
        )
        flash(_("Đã thôi công bố kết quả vòng thi."), "success")
    return _back(quiz)
