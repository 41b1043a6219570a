"""Contests in the console: the list, a new contest, and one contest's rules and rounds (organisers)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from quizapp import policy
from quizapp.extensions import db
from quizapp.formatting import time_text
from quizapp.models import Contest, ContestRound, Quiz, Unit
from quizapp.policy import Action, Area
from quizapp.services.contests import rounds
from quizapp.web.organiser.common import now, record, unit_choices, user
from quizapp.web.organiser.contest_forms import ContestForm, RoundForm, RulesForm
from quizapp.web.organiser.forms import ConfirmForm
from quizapp.web.organiser.views import bp


def contest_or_404(contest_id: int) -> Contest:
    """A contest whose audience is in the user's scope, else 404/403."""
    contest = db.session.get(Contest, contest_id) or abort(404)
    policy.require(user(), Action.MANAGE_QUIZZES, contest.audience_unit)
    return contest


def _rules(contest: Contest) -> dict:
    return {
        "use_prediction": contest.use_prediction,
        "use_time": contest.use_time,
        "one_prize_per_contest": contest.one_prize_per_contest,
    }


def _target(contest: Contest) -> str:
    return f"contest {contest.id}: {contest.title}"


def _round_summary(row: ContestRound) -> dict:
    """What the audit log keeps of a round."""
    return {
        "quiz": f"{row.quiz_id}: {row.quiz.title}",
        "label": row.label,
        "position": row.position,
        "first_prizes": row.first_prizes,
        "second_prizes": row.second_prizes,
        "third_prizes": row.third_prizes,
        "consolation_prizes": row.consolation_prizes,
    }


@bp.get("/contests")
def contests():
    """Contests over units in the user's scope, newest first."""
    if not policy.may_open(user(), Area.QUIZZES):
        abort(403)
    found = rounds.contests(policy.unit_scope_filter(user(), Action.MANAGE_QUIZZES))
    return render_template("organiser/contests.html", contests=found, now=now())


@bp.route("/contests/new", methods=["GET", "POST"])
def contest_new():
    """Create a contest over a unit in scope, with its ranking rules."""
    if not policy.may_open(user(), Area.QUIZZES):
        abort(403)
    form = ContestForm(use_prediction=True, use_time=True)
    form.audience.choices = unit_choices(Action.MANAGE_QUIZZES)
    if form.validate_on_submit():
        audience = db.session.get(Unit, form.audience.data)
        if not policy.can(user(), Action.MANAGE_QUIZZES, audience):
            form.audience.errors.append(_("Chỉ chọn được đơn vị thuộc phạm vi của bạn."))
        else:
            try:
                contest = rounds.create_contest(
                    form.title.data,
                    audience,
                    now(),
                    use_prediction=form.use_prediction.data,
                    use_time=form.use_time.data,
                    one_prize_per_contest=form.one_prize_per_contest.data,
                )
            except rounds.ContestError as err:
                form.title.errors.append(str(err))
            else:
                record(
                    "contest.create",
                    audience,
                    target=_target(contest),
                    after={"contest": contest.title, "audience": audience.code, **_rules(contest)},
                )
                flash(
                    _("Đã tạo cuộc thi «%(title)s». Hãy thêm các vòng thi.", title=contest.title),
                    "success",
                )
                return redirect(url_for(".contest_detail", contest_id=contest.id))
    return render_template("organiser/contest_form.html", form=form), 400 if form.errors else 200


def _contest_page(
    contest: Contest,
    rules_form: RulesForm | None = None,
    round_form: RoundForm | None = None,
    status: int = 200,
):
    """The contest page, with the forms as given (errors shown) or fresh."""
    if rules_form is None:
        rules_form = RulesForm(formdata=None, **_rules(contest))
    if round_form is None:
        round_form = RoundForm(formdata=None, label=rounds.default_label(contest))
    round_form.quiz.choices = _quiz_choices(contest)
    return render_template(
        "organiser/contest.html",
        contest=contest,
        form=rules_form,
        round_form=round_form,
        remove_form=ConfirmForm(formdata=None),
        now=now(),
    ), status


def _quiz_choices(contest: Contest) -> list[tuple]:
    """The quizzes the contest may take as its next round, newest first, after an empty choice."""
    choices = [("", _("— Chọn đợt kiểm tra —"))]
    for quiz in rounds.eligible_quizzes(contest):
        choices.append(
            (
                quiz.id,
                _(
                    "%(title)s (%(opens)s – %(closes)s)",
                    title=quiz.title,
                    opens=time_text(quiz.opens_at),
                    closes=time_text(quiz.effective_closes_at),
                ),
            )
        )
    return choices


@bp.route("/contests/<int:contest_id>", methods=["GET", "POST"])
def contest_detail(contest_id: int):
    """A contest's rounds, and the rules its rankings and prizes follow."""
    contest = contest_or_404(contest_id)
    if request.method == "GET":
        return _contest_page(contest)
    form = RulesForm(formdata=request.form, **_rules(contest))
    if not form.validate():
        return _contest_page(contest, rules_form=form, status=400)
    before = _rules(contest)
    rounds.set_rules(
        contest,
        use_prediction=form.use_prediction.data,
        use_time=form.use_time.data,
        one_prize_per_contest=form.one_prize_per_contest.data,
    )
    record(
        "contest.rules",
        contest.audience_unit,
        target=_target(contest),
        before=before,
        after=_rules(contest),
    )
    flash(_("Đã lưu quy tắc xếp hạng của cuộc thi."), "success")
    return redirect(url_for(".contest_detail", contest_id=contest.id))


def _chosen_quiz(form: RoundForm, contest: Contest) -> Quiz | None:
    """The quiz the form names if it may become a round; otherwise why not goes next to the field.
    The list may be stale (another organiser attached the quiz meanwhile): the reason is said."""
    quiz = db.session.get(Quiz, form.quiz.data) if form.quiz.data is not None else None
    if quiz is None or not policy.can(user(), Action.MANAGE_QUIZZES, quiz.audience_unit):
        form.quiz.errors = [_("Hãy chọn một đợt kiểm tra trong danh sách.")]
        return None
    reason = rounds.refusal(contest, quiz)
    form.quiz.errors = [reason] if reason else []
    return None if reason else quiz


@bp.post("/contests/<int:contest_id>/rounds")
def contest_add_round(contest_id: int):
    """Attach a quiz as the contest's next round, with its name and prize counts."""
    contest = contest_or_404(contest_id)
    form = RoundForm()
    form.quiz.choices = _quiz_choices(contest)
    form.validate()
    quiz = _chosen_quiz(form, contest)
    if quiz is None or form.errors:
        return _contest_page(contest, round_form=form, status=400)
    row = rounds.add_round(
        contest,
        quiz,
        form.label.data,
        first=form.first.data,
        second=form.second.data,
        third=form.third.data,
        consolation=form.consolation.data,
    )
    record(
        "contest.add_round",
        contest.audience_unit,
        target=_target(contest),
        after=_round_summary(row),
    )
    flash(_("Đã thêm %(round)s: «%(quiz)s».", round=row.label, quiz=quiz.title), "success")
    return redirect(url_for(".contest_detail", contest_id=contest.id))


@bp.post("/contests/<int:contest_id>/rounds/<int:round_id>/remove")
def contest_remove_round(contest_id: int, round_id: int):
    """Detach a round whose results were never published; the quiz and its attempts stay."""
    contest = contest_or_404(contest_id)
    row = db.session.get(ContestRound, round_id)
    if row is None or row.contest_id != contest.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for(".contest_detail", contest_id=contest.id))
    summary, quiz_title = _round_summary(row), row.quiz.title
    try:
        rounds.remove_round(row)
    except rounds.ContestError as err:
        flash(str(err), "error")
    else:
        record(
            "contest.remove_round", contest.audience_unit, target=_target(contest), before=summary
        )
        flash(
            _(
                "Đã gỡ %(round)s khỏi cuộc thi; đợt kiểm tra «%(quiz)s» vẫn giữ nguyên.",
                round=summary["label"],
                quiz=quiz_title,
            ),
            "success",
        )
    return redirect(url_for(".contest_detail", contest_id=contest.id))
