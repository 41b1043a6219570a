"""Who may do what on which unit: the one place for access rules.

A grant (user, role, unit) covers the unit's whole subtree; `admin` covers all.
Views call `require(...)` (403 on refusal) and filter listings with
`unit_scope_filter(...)`; services trust the units they are handed.
"""

from __future__ import annotations

import enum

from flask import abort
from sqlalchemy import false, func, or_, select, true

from quizapp.extensions import db
from quizapp.models import Attempt, Bank, Quiz, Role, Unit, User


class Action(enum.StrEnum):
    VIEW_REPORTS = "view_reports"  # participation pages and exports
    MANAGE_ACCOUNTS = "manage_accounts"  # activation codes, password resets
    MANAGE_ROSTER = "manage_roster"  # import, edit, move, deactivate members
    MANAGE_BANKS = "manage_banks"
    MANAGE_QUIZZES = "manage_quizzes"  # incl. item analysis, extra time, reopen
    MANAGE_GRANTS = "manage_grants"
    VIEW_AUDIT = "view_audit"


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.SECRETARY: frozenset({Action.VIEW_REPORTS, Action.MANAGE_ACCOUNTS}),
    Role.ORGANISER: frozenset(Action),
    Role.ADMIN: frozenset(Action),
}


class Area(enum.StrEnum):
    """A set of pages; every link to one is shown exactly when `may_open` says so."""

    REPORTS = "reports"  # participation reports and their exports
    ITEM_ANALYSIS = "item_analysis"  # per-question analysis (inside the reports)
    CONSOLE = "console"  # the console's entry page
    BANKS = "banks"  # browse banks (organisers who make quizzes use them too)
    BANK_UPLOAD = "bank_upload"
    QUIZZES = "quizzes"
    MEMBERS = "members"  # roster pages: to edit, or to hand out codes
    ROSTER_IMPORT = "roster_import"
    ACCOUNTS = "accounts"  # activation codes and slips
    GRANTS = "grants"
    AUDIT = "audit"


# Opening an area needs any one of its actions on some unit; each page then checks its own unit.
AREA_ACTIONS: dict[Area, tuple[Action, ...]] = {
    Area.REPORTS: (Action.VIEW_REPORTS,),
    Area.ITEM_ANALYSIS: (Action.MANAGE_QUIZZES,),
    Area.CONSOLE: (
        Action.MANAGE_BANKS,
        Action.MANAGE_QUIZZES,
        Action.MANAGE_ROSTER,
        Action.MANAGE_ACCOUNTS,
        Action.MANAGE_GRANTS,
        Action.VIEW_AUDIT,
    ),
    Area.BANKS: (Action.MANAGE_BANKS, Action.MANAGE_QUIZZES),
    Area.BANK_UPLOAD: (Action.MANAGE_BANKS,),
    Area.QUIZZES: (Action.MANAGE_QUIZZES,),
    Area.MEMBERS: (Action.MANAGE_ROSTER, Action.MANAGE_ACCOUNTS),
    Area.ROSTER_IMPORT: (Action.MANAGE_ROSTER,),
    Area.ACCOUNTS: (Action.MANAGE_ACCOUNTS,),
    Area.GRANTS: (Action.MANAGE_GRANTS,),
    Area.AUDIT: (Action.VIEW_AUDIT,),
}


def _grants_for(user: User | None, action: Action):
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return [g for g in user.grants if action in ROLE_ACTIONS.get(g.role, ())]


def is_admin(user: User | None) -> bool:
    """True when the user holds the admin role."""
    return bool(
        user
        and getattr(user, "is_authenticated", False)
        and any(g.role == Role.ADMIN for g in user.grants)
    )


def can(user: User | None, action: Action, unit: Unit | None) -> bool:
    """True when one of the user's grants allows `action` on `unit` (None: global objects)."""
    for grant in _grants_for(user, action):
        if grant.role == Role.ADMIN:
            return True
        if unit is not None and grant.unit is not None and unit.is_within(grant.unit):
            return True
    return False


def can_anywhere(user: User | None, action: Action) -> bool:
    """True when the user may do `action` on at least one unit (to show menus)."""
    return bool(_grants_for(user, action))


def may_open(user: User | None, area: Area | str) -> bool:
    """True when the user may open the area's pages somewhere: the guards and every link use this."""
    return any(can_anywhere(user, a) for a in AREA_ACTIONS[Area(area)])


def require(user: User | None, action: Action, unit: Unit | None) -> None:
    """Abort with 403 unless `can(user, action, unit)`."""
    if not can(user, action, unit):
        abort(403)


def scope_roots(user: User | None, action: Action) -> list[Unit] | None:
    """Top units of the subtrees where the user may do `action`; None means everything."""
    roots: list[Unit] = []
    for grant in _grants_for(user, action):
        if grant.role == Role.ADMIN:
            return None
        if grant.unit is not None:
            roots.append(grant.unit)
    # Drop roots that lie inside another root.
    return [r for r in roots if not any(o is not r and r.is_within(o) for o in roots)]


def top_units(user: User | None, action: Action) -> list[Unit]:
    """`scope_roots`, with an admin's None made concrete: the tops of the tree. By path."""
    roots = scope_roots(user, action)
    if roots is None:
        roots = db.session.scalars(select(Unit).where(Unit.parent_id.is_(None)))
    return sorted(roots, key=lambda u: u.path)


def unit_scope_filter(user: User | None, action: Action):
    """SQL condition on `Unit` limiting a listing to what the user may see for `action`."""
    roots = scope_roots(user, action)
    if roots is None:
        return true()
    if not roots:
        return false()
    return or_(*(Unit.path.startswith(r.path, autoescape=True) for r in roots))


def may_take_quizzes(user: User | None) -> bool:
    """Members with a roster row take quizzes; staff-only accounts do not."""
    return bool(user and getattr(user, "is_authenticated", False) and user.member is not None)


def owned_attempt(user: User | None, attempt_id) -> Attempt | None:
    """The attempt when it is the user's own (their roster row's); None for anyone else's.

    Only its owner may see or change an attempt, whatever their grants: staff look at attempts
    through the reports and the console, never through the member's pages."""
    if not (user and getattr(user, "is_authenticated", False) and user.member_id is not None):
        return None
    if not isinstance(attempt_id, int) or isinstance(attempt_id, bool):  # JSON may send anything
        return None
    attempt = db.session.get(Attempt, attempt_id)
    return attempt if attempt is not None and attempt.member_id == user.member_id else None


# Banks have an owner unit (None: a national bank). A bank serves the organisers of its owner's
# subtree and of every unit below it, so a province's bank is usable by its districts' organisers.
BANK_ACTIONS = (Action.MANAGE_BANKS, Action.MANAGE_QUIZZES)


def _bank_roots(user: User | None) -> list[Unit] | None:
    roots: list[Unit] = []
    for action in BANK_ACTIONS:
        found = scope_roots(user, action)
        if found is None:
            return None
        roots.extend(found)
    return roots


def _bank_owner(bank: Bank) -> Unit | None:
    return db.session.get(Unit, bank.owner_unit_id) if bank.owner_unit_id else None


def bank_filter(user: User | None):
    """SQL condition on `Bank`: the banks the user may see and use in quizzes."""
    roots = _bank_roots(user)
    if roots is None:
        return true()
    if not roots:
        return false()
    above = {i for r in roots for i in r.ancestor_ids()}
    below = select(Unit.id).where(or_(*(r.subtree_filter() for r in roots)))
    return or_(
        Bank.owner_unit_id.is_(None), Bank.owner_unit_id.in_(above), Bank.owner_unit_id.in_(below)
    )


def can_see_bank(user: User | None, bank: Bank) -> bool:
    """True when the user may browse, export and use the bank (the same rule as `bank_filter`)."""
    roots = _bank_roots(user)
    if roots is None:
        return True
    if not roots:
        return False
    owner = _bank_owner(bank)
    return owner is None or any(owner.is_within(r) or r.is_within(owner) for r in roots)


def can_manage_bank(user: User | None, bank: Bank) -> bool:
    """True when the user may import new versions of the bank (its owner unit is in scope; national: admin)."""
    return can(user, Action.MANAGE_BANKS, _bank_owner(bank))


# --- acting on a person ----------------------------------------------------------------------------
# Issuing a code, resetting a password, deactivating or otherwise changing another person's sign-in
# hands that person's rights to whoever does it. So it is allowed only to someone whose own rights
# cover every grant the account holds: an admin for admins, and for a role on a unit, a grant on that
# unit or above whose role can do at least everything the held role can.

ROLE_RANK = {Role.SECRETARY: 1, Role.ORGANISER: 2, Role.ADMIN: 3}


def covers_grant(actor: User | None, role: str, unit: Unit | None) -> bool:
    """True when one of the actor's grants includes the role `role` on `unit`."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    needed = ROLE_ACTIONS.get(role, frozenset())
    for grant in actor.grants:
        if grant.role == Role.ADMIN:
            return True
        if role == Role.ADMIN or unit is None or grant.unit is None:
            continue
        if ROLE_ACTIONS.get(grant.role, frozenset()) >= needed and unit.is_within(grant.unit):
            return True
    return False


def can_act_on_person(actor: User | None, target: User | None, member=None) -> bool:
    """True when the actor may change the sign-in of `target` (or of `member`, who may have no
    account yet): the member's chapter is in the actor's account scope, and the actor's rights
    cover every grant the account holds. A staff account without a roster row: admins only,
    unless its grants are covered."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    member = member if member is not None else (target.member if target is not None else None)
    if member is not None and not can(actor, Action.MANAGE_ACCOUNTS, member.chapter):
        return False
    if target is None:
        return True
    if target.id == getattr(actor, "id", None):
        return True  # one's own account: the change-password page, not a takeover
    held = list(target.grants)
    if member is None and not held:
        return is_admin(actor)
    return all(covers_grant(actor, g.role, g.unit) for g in held)


def person_guardian(target: User) -> tuple[str, Unit | None]:
    """Who may act on `target`: the lowest role and the unit it must be held on (None: admin, or
    any unit for a staff account without grants). The page names them to whoever was refused."""
    held = list(target.grants)
    if not held or any(g.role == Role.ADMIN or g.unit is None for g in held):
        return Role.ADMIN, None
    role = max((g.role for g in held), key=lambda r: ROLE_RANK.get(r, 0))
    units = [g.unit for g in held]
    if target.member is not None:
        units.append(target.member.chapter)
    first = units[0]
    for candidate in [first, *reversed(first.ancestors())]:
        if all(u.is_within(candidate) for u in units):
            return role, candidate
    return Role.ADMIN, None


# --- keys of a bank version in use --------------------------------------------------------------
# A person to whom a quiz is open must not read its key, whatever their other roles (an organiser
# who is also a member would otherwise export the answers and then sit the quiz).


def key_hidden_until(user: User | None, version_id: int, now):
    """When `user` may see the keys of bank version `version_id` again: the latest closing time of
    the quizzes over that version open to them now; None when no such quiz is open."""
    member = (
        getattr(user, "member", None)
        if user is not None and getattr(user, "is_authenticated", False)
        else None
    )
    if member is None or not member.active:
        return None
    closes = func.coalesce(Quiz.closed_early_at, Quiz.closes_at)
    return db.session.scalar(
        select(func.max(closes)).where(
            Quiz.bank_version_id == version_id,
            Quiz.audience_unit_id.in_(member.chapter.ancestor_ids()),
            Quiz.opens_at <= now,
            closes > now,
        )
    )
