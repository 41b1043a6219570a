"""Accounts: sign-in, activation codes, passwords."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp.extensions import db
from quizapp.models import ActivationCode, Member, Unit, User

# No 0/O, 1/I/L: codes are read off paper slips.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
MIN_PASSWORD_LENGTH = 8
# A hash computed once so that unknown logins cost as much as known ones.
_DUMMY_HASH: str | None = None


class AccountError(Exception):
    """A sign-in or activation problem with a message safe to show the user."""


def normalise_login(raw: str) -> str:
    """Strip spaces; phone numbers keep their digits (and a leading +)."""
    return "".join(raw.split())


def hash_password(password: str) -> str:
    """Hash with werkzeug's scrypt at the configured cost."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def find_user(login: str) -> User | None:
    """The account whose login is `login`, or whose member has this phone number."""
    login = normalise_login(login)
    if not login:
        return None
    user = db.session.scalar(select(User).where(User.login == login))
    if user is not None:
        return user
    phones = {login}
    if login.startswith("+84"):
        phones.add("0" + login[3:])
    elif login.startswith("0"):
        phones.add("+84" + login[1:])
    users = db.session.scalars(
        select(User).join(Member, User.member_id == Member.id)
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


def set_password(user: User, password: str) -> None:
    """Set a new password and end the account's other sessions."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("too_short")
    user.password_hash = hash_password(password)
    user.session_version += 1


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def ensure_member_user(member: Member, now: datetime) -> User:
    """The member's account, created (without a password) when it does not exist."""
    if member.user is not None:
        return member.user
    user = User(login=member.code, display_name=member.full_name, member=member, created_at=now)
    db.session.add(user)
    return user


@dataclass
class IssuedCode:
    """An activation code in clear, shown once on the slip."""

    member: Member | None
    user: User
    code: str
    expires_at: datetime


def issue_activation_code(user: User, issued_by: User | None, now: datetime) -> IssuedCode:
    """Create a one-time code for `user`; earlier unused codes stop working."""
    for old in db.session.scalars(
        select(ActivationCode).where(ActivationCode.user_id == user.id, ActivationCode.used_at.is_(None))
    ):
        old.used_at = now
    code = _new_code()
    ttl = timedelta(days=int(current_app.config["ACTIVATION_CODE_TTL_DAYS"]))
    db.session.add(ActivationCode(
        user=user, code_hash=_code_hash(code), created_by_id=issued_by.id if issued_by else None,
        created_at=now, expires_at=now + ttl,
    ))
    return IssuedCode(member=user.member, user=user, code=code, expires_at=now + ttl)


def issue_codes_for_unit(unit: Unit, issued_by: User | None, now: datetime,
                         only_without_password: bool = True) -> list[IssuedCode]:
    """Codes for every active member in the unit's subtree, ordered by chapter and name."""
    members = db.session.scalars(
        select(Member).join(Unit, Member.chapter_id == Unit.id)
        .where(unit.subtree_filter(), Member.active.is_(True))
        .order_by(Unit.path, Member.full_name)
    ).all()
    issued = []
    for member in members:
        user = ensure_member_user(member, now)
        if only_without_password and user.password_hash:
            continue
        db.session.flush()
        issued.append(issue_activation_code(user, issued_by, now))
    return issued


def redeem_activation_code(login: str, code: str, password: str, now: datetime) -> User:
    """Check the code for this login and set the chosen password; the code is then spent."""
    user = find_user(login)
    code = "".join(code.split()).upper()
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
    user = User(login=login, display_name=display_name, created_at=now)
    set_password(user, password)
    db.session.add(user)
    return user


def users_matching(text: str, limit: int = 20) -> list[User]:
    """Users whose login or name contains `text` (for grant forms)."""
    pattern = f"%{text}%"
    return list(db.session.scalars(
        select(User).where(or_(User.login.ilike(pattern), User.display_name.ilike(pattern))).limit(limit)
    ))
