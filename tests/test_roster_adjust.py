"""Single-member edits adjust the report denominators by ±1; the result equals a full recount.

Random trees and rosters get random edits (fields, moves, (de)activations) through the
member services; after them the tables must be exactly what `refresh_roster_counts()`
writes. Attribute breakdowns are capped at 3 values so that edits cross the cap both ways.
Nothing is committed, so each example rolls back to an empty database.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.models import UnitRoster, UnitRosterGroup
from quizapp.services.reports import roster_counts
from quizapp.services.reports.roster_counts import refresh_roster_counts
from quizapp.services.roster import members as member_service

NOW = datetime(2025, 3, 4, 3, 0, tzinfo=UTC)
GENDERS = ["nam", "nu", None]
ETHNICITIES = ["Kinh", "Thái", "Mông", None]
GROUPS = [None, "Học sinh", "Công nhân", "Nông dân", "Bộ đội", "Tự do"]

member_st = st.fixed_dictionaries(
    {
        "chapter": st.integers(0, 50),
        "active": st.sampled_from([True, True, False]),
        "cadre": st.booleans(),
        "gender": st.sampled_from(GENDERS),
        "ethnicity": st.sampled_from(ETHNICITIES),
        "group": st.sampled_from(GROUPS),
        "note": st.sampled_from([None, "Khu 1", "Khu 2"]),
    }
)
edit_st = st.one_of(
    st.tuples(
        st.just("edit"),
        st.integers(0, 50),
        st.fixed_dictionaries(
            {
                "is_cadre": st.booleans(),
                "gender": st.sampled_from(GENDERS),
                "ethnicity": st.sampled_from(ETHNICITIES),
            }
        ),
    ),
    st.tuples(st.just("move"), st.integers(0, 50), st.integers(0, 50)),
    st.tuples(st.just("active"), st.integers(0, 50), st.booleans()),
)
scenario = st.fixed_dictionaries(
    {
        "parents": st.lists(st.integers(0, 100), min_size=1, max_size=8),
        "members": st.lists(member_st, min_size=1, max_size=15),
        "edits": st.lists(edit_st, min_size=1, max_size=12),
    }
)


def _tables() -> tuple[list, list]:
    db.session.expire_all()
    roster = db.session.execute(
        select(UnitRoster.unit_id, UnitRoster.members, UnitRoster.cadres).order_by(
            UnitRoster.unit_id
        )
    ).all()
    groups = db.session.execute(
        select(
            UnitRosterGroup.unit_id,
            UnitRosterGroup.dimension,
            UnitRosterGroup.value,
            UnitRosterGroup.members,
        ).order_by(UnitRosterGroup.unit_id, UnitRosterGroup.dimension, UnitRosterGroup.value)
    ).all()
    return [tuple(r) for r in roster], [tuple(r) for r in groups]


def _build(make, data):
    tree = [make.unit("Tỉnh đoàn", "province")]
    for i, parent in enumerate(data["parents"]):
        tree.append(make.unit(f"Đơn vị {i + 1}", "chapter", tree[parent % len(tree)]))
    members = []
    for i, spec in enumerate(data["members"]):
        attributes = {
            k: v for k, v in (("Đối tượng", spec["group"]), ("Ghi chú", spec["note"])) if v
        }
        members.append(
            make.member(
                tree[spec["chapter"] % len(tree)],
                f"Đoàn viên {i}",
                active=spec["active"],
                is_cadre=spec["cadre"],
                gender=spec["gender"],
                ethnicity=spec["ethnicity"],
                attributes=attributes,
            )
        )
    return tree, members


def _apply(edit, tree, members) -> None:
    kind, who, arg = edit
    member = members[who % len(members)]
    if kind == "edit":
        member_service.update_member(member, arg, None, NOW)
    elif kind == "move":
        member_service.move_member(member, tree[arg % len(tree)], None, NOW)
    else:
        member_service.set_member_active(member, arg, None, NOW)


@pytest.fixture
def narrow_breakdowns(monkeypatch):
    monkeypatch.setattr(roster_counts, "MAX_ATTRIBUTE_VALUES", 3)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=scenario)
def test_counts_after_single_member_edits_equal_a_full_refresh(app, narrow_breakdowns, data):
    from tests.conftest import Factory

    try:
        tree, members = _build(Factory(), data)
        refresh_roster_counts()
        for edit in data["edits"]:
            _apply(edit, tree, members)
        adjusted = _tables()
        refresh_roster_counts()
        assert _tables() == adjusted
    finally:
        db.session.rollback()


def test_a_move_changes_only_the_rows_on_the_two_paths(app, make):
    tree = make.province()
    mai = make.member(tree["na_san"], "Lò Thị Mai", gender="nu")
    make.member(tree["moc_ly"], "Hà Văn Tú", gender="nam")
    refresh_roster_counts()
    member_service.move_member(mai, tree["co_muong"], None, NOW)
    roster = {u: m for u, m, _c in _tables()[0]}
    assert roster == {
        tree["province"].id: 2,
        tree["mai_son"].id: 1,
        tree["chieng_dong"].id: 1,
        tree["co_muong"].id: 1,
        tree["moc_chau"].id: 1,
        tree["moc_ly"].id: 1,
    }


def test_a_gender_correction_moves_the_member_between_breakdown_groups(app, make):
    tree = make.province()
    mai = make.member(tree["na_san"], "Lò Thị Mai", gender="nam")
    refresh_roster_counts()
    member_service.update_member(mai, {"gender": "nu"}, None, NOW)
    genders = {(u, v): n for u, d, v, n in _tables()[1] if d == "gender"}
    assert genders == {
        (tree[k].id, "nu"): 1 for k in ("province", "mai_son", "chieng_dong", "na_san")
    }


def test_single_member_edits_do_not_recount_the_whole_roster(app, make, monkeypatch):
    tree = make.province()
    mai = make.member(tree["na_san"], "Lò Thị Mai", attributes={"Đối tượng": "Học sinh"})
    make.member(tree["moc_ly"], "Hà Văn Tú", attributes={"Đối tượng": "Học sinh"})
    refresh_roster_counts()

    def full_scan():
        raise AssertionError("a single-member edit recounted every member")

    monkeypatch.setattr(roster_counts, "refresh_roster_counts", full_scan)
    member_service.update_member(mai, {"is_cadre": True, "gender": "nu"}, None, NOW)
    member_service.move_member(mai, tree["co_muong"], None, NOW)
    member_service.set_member_active(mai, False, None, NOW)
    member_service.set_member_active(mai, True, None, NOW)
