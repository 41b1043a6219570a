"""The public results of a contest's rounds: rank, name, unit, score, time and prize.

Nothing else about a person leaves here (no phone, email or member code), and a round whose
results are not published does not exist for this page (404), whoever asks.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _

from quizapp.services.contests import prizes as prize_service
from quizapp.services.contests import ranking as ranking_service
from quizapp.services.contests import results, tables

bp = Blueprint("results", __name__, url_prefix="/contests")

PAGE_SIZE = 100


@bp.get("/<int:contest_id>")
def contest(contest_id: int):
    """A contest's rounds, with a link to each round's published results."""
    found = results.public_contest(contest_id) or abort(404)
    return render_template("results/contest.html", contest=found)


@bp.get("/<int:contest_id>/rounds/<int:position>")
def round_page(contest_id: int, position: int):
    """A published round's ranking, best first, a page at a time, with the prizes."""
    contest_round = results.published_round(contest_id, position) or abort(404)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    result = ranking_service.ranking(
        contest_round.quiz, contest_round.contest, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    pages = max(1, -(-result.total // PAGE_SIZE))
    if page > pages:
        abort(404)
    awarded = prize_service.prize_list(contest_round)
    prizes = {line.row.member_id: line for line in awarded.lines}
    return render_template(
        "results/round.html",
        contest_round=contest_round,
        contest=contest_round.contest,
        result=result,
        page=page,
        pages=pages,
        prizes=prizes,
        prize_names=tables.prize_names(),
        score_header=_("Điểm (%)"),
    )
