"""Accounts: sign-in, activation codes, passwords."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp import policy
from quizapp.extensions import db
from quizapp.models import ActivationCode, Grant, Member, Unit, User
from quizapp.services import audit, org
from quizapp.services.passwords import password_problem
from quizapp.text import person_sort_key

CHUNK = 900  # keeps IN (...) lists under every database's parameter limit

# No 0/O, 1/I/L: codes are read off paper slips.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
MIN_PASSWORD_LENGTH = 8
# A hash computed once so that unknown logins cost as much as known ones.
_DUMMY_HASH: str | None = None


class AccountError(Exception):
    """A sign-in or activation problem with a message safe to show the user."""


def normalise_login(raw: str) -> str:
    """Full-width letters and digits as ASCII (NFKC), spaces removed; phone numbers keep their
    digits (and a leading +). Case is kept: `find_user` matches without it."""
    return "".join(unicodedata.normalize("NFKC", raw or "").split())


def _login_variants(login: str) -> list[str]:
    """The spellings a login is stored under: as typed, upper case (member codes), lower case
    (staff logins). Matching these uses the unique index; phones type 'sl000002' or 'Sl000002'."""
    return list(dict.fromkeys([login, login.upper(), login.lower()]))


def hash_password(password: str) -> str:
    """Hash with werkzeug's scrypt at the configured cost."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def find_user(login: str) -> User | None:
    """The account whose login is `login`, or whose member has this phone number."""
    login = normalise_login(login)
    if not login:
        return None
    found = {
        u.login: u
        for u in db.session.scalars(select(User).where(User.login.in_(_login_variants(login))))
    }
    for variant in _login_variants(login):
        if variant in found:
            return found[variant]
    phones = {login}
    if login.startswith("+84"):
        phones.add("0" + login[3:])
    elif login.startswith("0"):
        phones.add("+84" + login[1:])
    users = db.session.scalars(
        select(User)
        .join(Member, User.member_id == Member.id)
        .where(Member.phone.in_(phones), Member.active.is_(True))
        .limit(2)
    ).all()
    return users[0] if len(users) == 1 else None


def authenticate(login: str, password: str, now: datetime) -> User | None:
    """Return the active user when the password matches; None otherwise (same cost)."""
    global _DUMMY_HASH
    user = find_user(login)
    if user is None or not user.password_hash:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password(secrets.token_hex(8))
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    user.last_login_at = now
    return user


def end_sessions(user: User) -> None:
    """End every session and remember-me cookie of the account (sign-out, reset, deactivation)."""
    user.session_version = (user.session_version or 1) + 1


def check_new_password(user: User | None, password: str) -> None:
    """Raise AccountError with the reason when the password is too weak for this account."""
    problem = password_problem(password, _personal_words(user))
    if problem is not None:
        raise AccountError(problem)


def _personal_words(user: User | None) -> list[str]:
    if user is None:
        return []
    words = [user.login]
    if user.member is not None:
        words += [user.member.code, user.member.phone or ""]
    return [w for w in words if w]


def set_password(user: User, password: str) -> None:
    """Set a new password and end the account's other sessions."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("too_short")
    check_new_password(user, password)
    user.password_hash = hash_password(password)
    end_sessions(user)


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def ensure_member_user(member: Member, now: datetime) -> User:
    """The member's account, created (without a password) when it does not exist."""
    if member.user is not None:
        return member.user
    if db.session.scalar(select(User.id).where(User.login == member.code)) is not None:
        raise AccountError("login_taken")
    user = User(
        login=member.code,
        display_name=member.full_name,
        member=member,
        created_at=now,
        session_version=1,
        is_enabled=True,
    )
    db.session.add(user)
    db.session.flush()
    return user


@dataclass(frozen=True)
class Slip:
    """An activation code in clear with what the member needs to use it; shown once."""

    login: str
    full_name: str
    chapter_code: str
    chapter_name: str
    code: str
    expires_at: datetime


@dataclass
class CodeBatch:
    """Codes made for a unit: slips ordered by chapter and name, and member codes left out
    because another account already uses them as its login."""

    slips: list[Slip]
    conflicts: list[str]
    protected: list[str] = ()  # logins skipped: their grants go beyond the issuer's rights


def _ttl() -> timedelta:
    return timedelta(days=int(current_app.config["ACTIVATION_CODE_TTL_DAYS"]))


def _slip(user: User, code: str, expires_at: datetime) -> Slip:
    member = user.member
    chapter = member.chapter if member is not None else None
    return Slip(
        login=user.login,
        full_name=user.display_name,
        chapter_code=chapter.code if chapter else "",
        chapter_name=chapter.name if chapter else "",
        code=code,
        expires_at=expires_at,
    )


def issue_activation_code(user: User, issued_by: User | None, now: datetime) -> Slip:
    """Create a one-time code for `user`; earlier unused codes stop working."""
    db.session.execute(
        update(ActivationCode)
        .where(ActivationCode.user_id == user.id, ActivationCode.used_at.is_(None))
        .values(used_at=now)
    )
    code = _new_code()
    expires_at = now + _ttl()
    db.session.add(
        ActivationCode(
            user=user,
            code_hash=_code_hash(code),
            created_by_id=issued_by.id if issued_by else None,
            created_at=now,
            expires_at=expires_at,
        )
    )
    db.session.flush()
    return _slip(user, code, expires_at)


def may_reset(member: Member, issued_by: User | None) -> bool:
    """True when `issued_by` may issue a code for the member's account (None: the server's operator
    at the command line). The rule is the policy's: rights covering every grant the account holds."""
    return issued_by is None or policy.can_act_on_person(issued_by, member.user, member)


def reset_member_password(member: Member, issued_by: User | None, now: datetime) -> Slip:
    """Forget the member's password, sign them out everywhere and give a new activation code.
    Refused ("protected") when the account holds grants the issuer's rights do not cover."""
    if not may_reset(member, issued_by):
        raise AccountError("protected")
    user = ensure_member_user(member, now)
    had_password = user.password_hash is not None
    user.password_hash = None
    end_sessions(user)
    slip = issue_activation_code(user, issued_by, now)
    audit.record(
        issued_by,
        "password_reset" if had_password else "activation_code",
        member.chapter,
        now,
        target=member.code,
    )
    return slip


def members_needing_codes(unit: Unit) -> int:
    """Active members in the unit's subtree whose account has no password yet."""
    return (
        db.session.scalar(
            select(func.count(Member.id))
            .join(Unit, Member.chapter_id == Unit.id)
            .outerjoin(User, User.member_id == Member.id)
            .where(unit.subtree_filter(), Member.active.is_(True), User.password_hash.is_(None))
        )
        or 0
    )


def issue_codes_for_unit(unit: Unit, issued_by: User | None, now: datetime) -> CodeBatch:
    """Codes for every active member of the unit's subtree who has no password yet, in bulk."""
    rows = db.session.execute(
        select(Member.id, Member.code, Member.full_name, Unit.code, Unit.name, User.id, Unit.id)
        .join(Unit, Member.chapter_id == Unit.id)
        .outerjoin(User, User.member_id == Member.id)
        .where(unit.subtree_filter(), Member.active.is_(True), User.password_hash.is_(None))
    ).all()
    # Slips come out as the secretary hands them over: chapter by chapter in the tree's
    # Vietnamese alphabetical order, members by given name.
    tree = org.in_tree_order(list(db.session.scalars(select(Unit).where(unit.subtree_filter()))))
    position = {u.id: n for n, u in enumerate(tree)}
    rows.sort(key=lambda r: (position[r[6]], person_sort_key(r[2]), r[1]))
    without_account = [r for r in rows if r[5] is None]
    taken = set()
    codes = [r[1] for r in without_account]
    for start in range(0, len(codes), CHUNK):
        taken.update(
            db.session.scalars(
                select(User.login).where(User.login.in_(codes[start : start + CHUNK]))
            )
        )
    new_users = [r for r in without_account if r[1] not in taken]
    if new_users:
        db.session.execute(
            insert(User.__table__),
            [
                {
                    "login": r[1],
                    "display_name": r[2],
                    "member_id": r[0],
                    "is_enabled": True,
                    "session_version": 1,
                    "created_at": now,
                }
                for r in new_users
            ],
        )
    user_ids = {r[0]: r[5] for r in rows if r[5] is not None}
    new_member_ids = [r[0] for r in new_users]
    for start in range(0, len(new_member_ids), CHUNK):
        user_ids.update(
            db.session.execute(
                select(User.member_id, User.id).where(
                    User.member_id.in_(new_member_ids[start : start + CHUNK])
                )
            ).all()
        )
    protected = _protected_members(user_ids, issued_by)
    for member_id in protected:
        user_ids.pop(member_id, None)
    ids = list(user_ids.values())
    for start in range(0, len(ids), CHUNK):
        db.session.execute(
            update(ActivationCode)
            .where(
                ActivationCode.user_id.in_(ids[start : start + CHUNK]),
                ActivationCode.used_at.is_(None),
            )
            .values(used_at=now)
        )
    expires_at = now + _ttl()
    slips, code_rows = [], []
    for member_id, login, name, chapter_code, chapter_name, _user, _chapter_id in rows:
        if member_id not in user_ids:
            continue
        code = _new_code()
        slips.append(Slip(login, name, chapter_code, chapter_name, code, expires_at))
        code_rows.append(
            {
                "user_id": user_ids[member_id],
                "code_hash": _code_hash(code),
                "created_by_id": issued_by.id if issued_by else None,
                "created_at": now,
                "expires_at": expires_at,
            }
        )
    if code_rows:
        db.session.execute(insert(ActivationCode.__table__), code_rows)
    protected_logins = sorted(protected.values())
    audit.record(
        issued_by,
        "activation_codes",
        unit,
        now,
        target=unit.code,
        after={"codes": len(slips), "conflicts": sorted(taken), "protected": protected_logins},
    )
    db.session.flush()
    return CodeBatch(slips=slips, conflicts=sorted(taken), protected=protected_logins)


def _protected_members(user_ids: dict[int, int], issued_by: User | None) -> dict[int, str]:
    """Member ids (with logins) whose accounts hold a grant the issuer's rights do not cover."""
    if issued_by is None:
        return {}
    by_user = {uid: mid for mid, uid in user_ids.items()}
    ids = list(by_user)
    found: dict[int, str] = {}
    for start in range(0, len(ids), CHUNK):
        for grant in db.session.scalars(
            select(Grant).where(Grant.user_id.in_(ids[start : start + CHUNK]))
        ):
            if not policy.covers_grant(issued_by, grant.role, grant.unit):
                found[by_user[grant.user_id]] = grant.user.login
    return found


def slip_table(slips: list[Slip], link: Callable[[Slip], str]) -> tuple[list[str], list[list]]:
    """The slips as (headers, rows) for CSV: one member per row, with the member's own link that
    opens the activation form filled in (`link(slip)`)."""
    headers = [
        _("Chi đoàn"),
        _("Mã chi đoàn"),
        _("Họ và tên"),
        _("Tên đăng nhập"),
        _("Mã kích hoạt"),
        _("Hết hạn"),
        _("Đường dẫn kích hoạt"),
    ]
    rows = [
        [s.chapter_name, s.chapter_code, s.full_name, s.login, s.code, s.expires_at, link(s)]
        for s in slips
    ]
    return headers, rows


def redeem_activation_code(login: str, code: str, password: str, now: datetime) -> User:
    """Check the code for this login and set the chosen password; the code is then spent."""
    user = find_user(login)
    code = "".join(unicodedata.normalize("NFKC", code or "").split()).upper()
    if user is None:
        raise AccountError("bad_code")
    row = db.session.scalar(
        select(ActivationCode).where(
            ActivationCode.user_id == user.id,
            ActivationCode.code_hash == _code_hash(code),
            ActivationCode.used_at.is_(None),
        )
    )
    if row is None:
        raise AccountError("bad_code")
    if row.expires_at <= now:
        raise AccountError("expired")
    if not user.is_active:
        raise AccountError("inactive")
    set_password(user, password)
    row.used_at = now
    return user


def create_staff_user(login: str, display_name: str, password: str, now: datetime) -> User:
    """An account without a roster row (admin, organiser or secretary)."""
    login = normalise_login(login)
    if db.session.scalar(select(User).where(User.login == login)) is not None:
        raise AccountError("login_taken")
    user = User(
        login=login, display_name=display_name, created_at=now, session_version=1, is_enabled=True
    )
    set_password(user, password)
    db.session.add(user)
    return user


def search_members(unit: Unit, text: str, limit: int = 50) -> list[Member]:
    """Members of the unit's subtree whose code, phone or name contains `text`, with their accounts."""
    text = " ".join(text.split())
    if not text:
        return []
    conditions = [
        Member.code.icontains(text, autoescape=True),
        Member.full_name.icontains(text, autoescape=True),
    ]
    digits = "".join(c for c in text if c.isdigit())
    if len(digits) >= 6:
        conditions.append(Member.phone.contains(digits[-9:], autoescape=True))
    return list(
        db.session.scalars(
            select(Member)
            .join(Unit, Member.chapter_id == Unit.id)
            .where(unit.subtree_filter(), or_(*conditions))
            .options(selectinload(Member.user), joinedload(Member.chapter))
            .order_by(Member.active.desc(), Member.full_name, Member.code)
            .limit(limit)
        )
    )
