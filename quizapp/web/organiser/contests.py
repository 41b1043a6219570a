"""Contests in the console: the list, and one contest's rules and rounds (organisers)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from quizapp import policy
from quizapp.extensions import db
from quizapp.models import Contest
from quizapp.policy import Action, Area
from quizapp.services.contests import rounds
from quizapp.web.organiser.common import now, record, user
from quizapp.web.organiser.contest_forms import RulesForm
from quizapp.web.organiser.views import bp


def contest_or_404(contest_id: int) -> Contest:
    """A contest whose audience is in the user's scope, else 404/403."""
    contest = db.session.get(Contest, contest_id) or abort(404)
    policy.require(user(), Action.MANAGE_QUIZZES, contest.audience_unit)
    return contest


def _rules(contest: Contest) -> dict:
    return {"use_prediction": contest.use_prediction, "use_time": contest.use_time,
            "one_prize_per_contest": contest.one_prize_per_contest}


@bp.get("/contests")
def contests():
    """Contests over units in the user's scope, newest first."""
    if not policy.may_open(user(), Area.QUIZZES):
        abort(403)
    found = rounds.contests(policy.unit_scope_filter(user(), Action.MANAGE_QUIZZES))
    return render_template("organiser/contests.html", contests=found, now=now())


@bp.route("/contests/<int:contest_id>", methods=["GET", "POST"])
def contest_detail(contest_id: int):
    """A contest's rounds, and the rules its rankings and prizes follow."""
    contest = contest_or_404(contest_id)
    form = RulesForm(formdata=request.form if request.method == "POST" else None, **_rules(contest))
    if request.method == "POST" and form.validate():
        before = _rules(contest)
        rounds.set_rules(contest, use_prediction=form.use_prediction.data, use_time=form.use_time.data,
                         one_prize_per_contest=form.one_prize_per_contest.data)
        record("contest.rules", contest.audience_unit, target=f"contest {contest.id}: {contest.title}",
               before=before, after=_rules(contest))
        flash(_("Đã lưu quy tắc xếp hạng của cuộc thi."), "success")
        return redirect(url_for(".contest_detail", contest_id=contest.id))
    return render_template("organiser/contest.html", contest=contest, form=form, now=now()), \
        400 if form.errors else 200
