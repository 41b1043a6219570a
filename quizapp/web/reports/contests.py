"""Units ranked in a contest, per round and over the whole contest, at each level of the tree
below the reader's unit (secretaries and up, their own subtree only), on screen and as files."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _

from quizapp.extensions import db
from quizapp.models import Contest, ContestRound, Unit
from quizapp.policy import Action
from quizapp.services import exports
from quizapp.services.contests import rounds, tables
from quizapp.services.contests import units as unit_ranking
from quizapp.web.access import breadcrumbs
from quizapp.web.reports.views import FORMATS, bp, file_slug, unit_or_404


@dataclass(frozen=True)
class Choice:
    """What the reader picked: the scope, the round (None: the whole contest) and the level."""

    scope: Unit
    contest: Contest
    contest_round: ContestRound | None
    depth: int | None
    levels: dict[int, list[str]]


def kind_names() -> dict[str, str]:
    """Unit kinds as a level's name (plural)."""
    return {
        "province": _("Tỉnh đoàn"),
        "district": _("Huyện đoàn và tương đương"),
        "grassroots": _("Đoàn cơ sở"),
        "chapter": _("Chi đoàn"),
    }


def _choice(unit_id: int, contest_id: int) -> Choice:
    unit = unit_or_404(unit_id)
    contest = db.session.get(Contest, contest_id) or abort(404)
    scope = unit_ranking.ranking_scope(contest.audience_unit, unit) or abort(404)
    position = request.args.get("round", type=int)
    contest_round = None
    if position is not None:
        contest_round = next((r for r in contest.rounds if r.position == position), None) or abort(
            404
        )
    levels = unit_ranking.level_kinds(scope)
    depth = request.args.get("level", type=int)
    if depth is None:
        depth = min(levels, default=None)
    elif depth not in levels:
        abort(404)
    return Choice(scope, contest, contest_round, depth, levels)


def _standings(choice: Choice) -> list[unit_ranking.UnitStanding]:
    if choice.depth is None:
        return []
    quiz_ids = (
        [choice.contest_round.quiz_id] if choice.contest_round else rounds.quiz_ids(choice.contest)
    )
    return unit_ranking.unit_ranking(quiz_ids, choice.scope, choice.depth)


@bp.get("/units/<int:unit_id>/contests/<int:contest_id>")
def contest_units(unit_id: int, contest_id: int):
    """Units of one level ranked by participation rate and by participants, for a round or all."""
    choice = _choice(unit_id, contest_id)
    standings = _standings(choice)
    headers, rows, _formats = tables.unit_ranking_table(standings, choice.contest_round is None)
    names = kind_names()
    level_names = {
        d: ", ".join(names.get(k, k) for k in kinds) for d, kinds in choice.levels.items()
    }
    return render_template(
        "reports/contest_units.html",
        c=choice,
        headers=headers,
        standings=standings,
        level_names=level_names,
        crumbs=breadcrumbs(
            choice.scope,
            Action.VIEW_REPORTS,
            lambda u: url_for("reports.contest_units", unit_id=u.id, contest_id=contest_id),
        ),
    )


@bp.get("/units/<int:unit_id>/contests/<int:contest_id>/units.<fmt>")
def contest_units_export(unit_id: int, contest_id: int, fmt: str):
    """The unit ranking on screen, as CSV (with BOM) or XLSX, formula-safe."""
    if fmt not in FORMATS:
        abort(404)
    choice = _choice(unit_id, contest_id)
    headers, rows, formats = tables.unit_ranking_table(
        _standings(choice), choice.contest_round is None
    )
    part = f"vong-{choice.contest_round.position}" if choice.contest_round else "ca-cuoc-thi"
    name = f"xep-hang-don-vi-cuoc-thi-{contest_id}-{part}-{file_slug(choice.scope.code)}-cap-{choice.depth}"
    return exports.as_download(fmt, headers, rows, name, _("Xếp hạng đơn vị"), formats)
