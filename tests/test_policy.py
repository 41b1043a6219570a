"""The access rules as a matrix: every role against units inside and outside its subtree."""

import pytest
from sqlalchemy import select
from werkzeug.exceptions import Forbidden

from quizapp import policy
from quizapp.extensions import db
from quizapp.models import Role, Unit
from quizapp.policy import Action

# role -> units (by fixture key) where it may act; "*" means everywhere, even another province
REACH = {
    "admin": "*",
    "organiser": {"province", "mai_son", "moc_chau", "chieng_dong", "na_san", "co_muong", "moc_ly"},
    "secretary": {"province", "mai_son", "moc_chau", "chieng_dong", "na_san", "co_muong", "moc_ly"},
    "district_secretary": {"mai_son", "chieng_dong", "na_san", "co_muong"},
    "member": set(),
}
SECRETARY_ACTIONS = {Action.VIEW_REPORTS, Action.MANAGE_ACCOUNTS}
UNITS = [
    "province",
    "mai_son",
    "moc_chau",
    "chieng_dong",
    "na_san",
    "co_muong",
    "moc_ly",
    "other_province",
    "other_chapter",
]


@pytest.fixture
def world(roles, make):
    """The `roles` province plus another province nobody but the admin may touch."""
    other = make.unit("Tỉnh đoàn Điện Biên", "province", code="DB")
    other_chapter = make.unit("Chi đoàn bản Mường Phăng", "chapter", other, code="DB-MP")
    db.session.commit()
    return {
        **roles,
        "units": {**roles["tree"], "other_province": other, "other_chapter": other_chapter},
    }


def allowed(role: str, action: Action, unit_key: str) -> bool:
    reach = REACH[role]
    if reach == "*":
        return True
    if unit_key not in reach:
        return False
    return role in ("organiser",) or action in SECRETARY_ACTIONS


@pytest.mark.parametrize("role", list(REACH))
@pytest.mark.parametrize("action", list(Action))
def test_can_matches_the_matrix(world, role, action):
    user = world["users"][role]
    for key in UNITS:
        assert policy.can(user, action, world["units"][key]) is allowed(role, action, key), (
            role,
            action,
            key,
        )


@pytest.mark.parametrize("role", ["organiser", "secretary", "district_secretary", "member"])
def test_require_refuses_with_403_outside_the_subtree(world, role):
    with pytest.raises(Forbidden):
        policy.require(
            world["users"][role], Action.MANAGE_ACCOUNTS, world["units"]["other_chapter"]
        )


def test_anonymous_user_may_do_nothing(world):
    assert not policy.can(None, Action.VIEW_REPORTS, world["units"]["na_san"])
    assert not policy.can_anywhere(None, Action.VIEW_REPORTS)


@pytest.mark.parametrize(
    "role, expected",
    [
        ("admin", None),
        ("organiser", ["province"]),
        ("secretary", ["province"]),
        ("district_secretary", ["mai_son"]),
        ("member", []),
    ],
)
def test_scope_roots_are_the_top_units_of_the_grants(world, role, expected):
    roots = policy.scope_roots(world["users"][role], Action.VIEW_REPORTS)
    if expected is None:
        assert roots is None
    else:
        assert [r.id for r in roots] == [world["units"][k].id for k in expected]


def test_nested_grants_collapse_to_the_outer_root(world, make):
    user = make.user(
        "hai.cap",
        grants=[
            (Role.SECRETARY, world["units"]["na_san"]),
            (Role.SECRETARY, world["units"]["mai_son"]),
        ],
    )
    assert [r.code for r in policy.scope_roots(user, Action.VIEW_REPORTS)] == ["SL-MS"]


@pytest.mark.parametrize("role", list(REACH))
def test_unit_scope_filter_lists_exactly_the_reachable_units(world, role):
    user = world["users"][role]
    listed = set(
        db.session.scalars(
            select(Unit.code).where(policy.unit_scope_filter(user, Action.VIEW_REPORTS))
        )
    )
    expected = {world["units"][k].code for k in UNITS if allowed(role, Action.VIEW_REPORTS, k)}
    assert listed == expected


def test_secretary_may_not_manage_roster_banks_or_grants(world):
    user = world["users"]["secretary"]
    for action in (
        Action.MANAGE_ROSTER,
        Action.MANAGE_BANKS,
        Action.MANAGE_QUIZZES,
        Action.MANAGE_GRANTS,
    ):
        assert not policy.can_anywhere(user, action)


def test_a_person_with_two_grants_reaches_both_subtrees(world, make):
    user = make.user(
        "kiem.nhiem",
        grants=[
            (Role.SECRETARY, world["units"]["moc_chau"]),
            (Role.ORGANISER, world["units"]["other_province"]),
        ],
    )
    assert policy.can(user, Action.VIEW_REPORTS, world["units"]["moc_ly"])
    assert policy.can(user, Action.MANAGE_BANKS, world["units"]["other_chapter"])
    assert not policy.can(user, Action.MANAGE_BANKS, world["units"]["moc_ly"])
    assert not policy.can(user, Action.VIEW_REPORTS, world["units"]["na_san"])


def test_is_admin_and_quiz_taking(world):
    users = world["users"]
    assert policy.is_admin(users["admin"]) and not policy.is_admin(users["organiser"])
    assert policy.may_take_quizzes(users["member"]) and not policy.may_take_quizzes(
        users["secretary"]
    )
