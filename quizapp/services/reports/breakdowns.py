"""Participation of a unit's subtree by group: cadres, gender, ethnicity and custom attributes.

Two indexed reads of a few dozen rows (UnitRosterGroup for the denominators,
UnitQuizGroup for those who took part), whatever the size of the subtree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import Quiz, Unit, UnitQuizGroup, UnitRosterGroup
from quizapp.services.reports.labels import ATTR_PREFIX, ETHNICITY, GENDER, is_kinh
from quizapp.services.reports.units import UnitRow, percent, population_unit, target_count
from quizapp.text import fold_vietnamese

GENDER_LABELS = {"nam": _l("Nam"), "nu": _l("Nữ"), "khac": _l("Khác")}
UNKNOWN = _l("Chưa rõ")


@dataclass
class GroupRow:
    """One group of a breakdown."""

    label: str
    members: int
    took_part: int
    target_rate: float

    @property
    def rate(self) -> float | None:
        return percent(self.took_part, self.members)

    @property
    def gap(self) -> int:
        return max(0, target_count(self.target_rate, self.members) - self.took_part)


@dataclass
class Breakdown:
    """A dimension (e.g. gender) and its groups, which add up to the unit's totals."""

    key: str
    title: str
    rows: list[GroupRow] = field(default_factory=list)


def _ordered(rows: list[GroupRow]) -> list[GroupRow]:
    # biggest groups first, the unknown group last
    unknown = str(UNKNOWN)
    return sorted(rows, key=lambda r: (r.label == unknown, -r.members, fold_vietnamese(r.label)))


def breakdowns(quiz: Quiz, unit: Unit, totals: UnitRow) -> list[Breakdown]:
    """Cadres vs other members, gender, Kinh vs minorities, each ethnicity, each custom attribute."""
    target = quiz.target_rate
    result = [
        Breakdown(
            "cadre",
            str(_l("Cán bộ đoàn và đoàn viên")),
            [
                GroupRow(str(_l("Cán bộ đoàn")), totals.cadres, totals.cadres_took_part, target),
                GroupRow(
                    str(_l("Đoàn viên (không là cán bộ)")),
                    totals.non_cadres,
                    totals.non_cadres_took_part,
                    target,
                ),
            ],
        )
    ]
    population = population_unit(quiz, unit)
    if population is None:
        return result
    members: dict[str, dict[str, int]] = defaultdict(dict)
    for dim, value, n in db.session.execute(
        select(UnitRosterGroup.dimension, UnitRosterGroup.value, UnitRosterGroup.members).where(
            UnitRosterGroup.unit_id == population.id
        )
    ):
        members[dim][value] = n
    took: dict[str, dict[str, int]] = defaultdict(dict)
    for dim, value, n in db.session.execute(
        select(UnitQuizGroup.dimension, UnitQuizGroup.value, UnitQuizGroup.took_part).where(
            UnitQuizGroup.quiz_id == quiz.id, UnitQuizGroup.unit_id == population.id
        )
    ):
        took[dim][value] = n

    def rows_of(dim: str, label) -> list[GroupRow]:
        values = set(members.get(dim, {})) | {v for v, n in took.get(dim, {}).items() if n}
        return _ordered(
            [
                GroupRow(
                    str(label(v)) if v else str(UNKNOWN),
                    members.get(dim, {}).get(v, 0),
                    took.get(dim, {}).get(v, 0),
                    target,
                )
                for v in values
            ]
        )

    if members.get(GENDER):
        result.append(
            Breakdown(
                "gender",
                str(_l("Giới tính")),
                rows_of(GENDER, lambda v: GENDER_LABELS.get(v.casefold(), v)),
            )
        )
    if members.get(ETHNICITY):
        result.append(_kinh_vs_minorities(members[ETHNICITY], took.get(ETHNICITY, {}), target))
        result.append(Breakdown("ethnicity", str(_l("Dân tộc")), rows_of(ETHNICITY, str)))
    for dim in sorted(d for d in members if d.startswith(ATTR_PREFIX)):
        if set(members[dim]) == {""}:
            continue  # nobody in this subtree has the attribute
        result.append(Breakdown(dim, dim[len(ATTR_PREFIX) :], rows_of(dim, str)))
    return result


def _kinh_vs_minorities(members: dict[str, int], took: dict[str, int], target: float) -> Breakdown:
    groups = {"kinh": [0, 0], "minority": [0, 0], "": [0, 0]}
    for value in set(members) | set(took):
        key = "" if not value else ("kinh" if is_kinh(value) else "minority")
        groups[key][0] += members.get(value, 0)
        groups[key][1] += took.get(value, 0)
    labels = {"kinh": _l("Dân tộc Kinh"), "minority": _l("Dân tộc thiểu số"), "": UNKNOWN}
    rows = [GroupRow(str(labels[k]), m, t, target) for k, (m, t) in groups.items() if m or t]
    return Breakdown("minorities", str(_l("Kinh và dân tộc thiểu số")), rows)
