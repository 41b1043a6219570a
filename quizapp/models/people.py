"""Members of the roster, user accounts, role grants and activation codes."""

from __future__ import annotations

import enum
import secrets
import time
from datetime import date, datetime
from functools import lru_cache

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.extensions import db
from quizapp.models.org import Unit
from quizapp.models.types import UTCDateTime
from quizapp.text import fold_vietnamese


class Role(enum.StrEnum):
    ADMIN = "admin"
    ORGANISER = "organiser"
    SECRETARY = "secretary"
    MEMBER = "member"


# Member.search_key is "<folded name>\t<folded code>\t#<phone digits>": folded text contains no tab,
# so a search pattern can tell the phone digits from the name and code.
PHONE_MARK = "\t#"


@lru_cache(maxsize=100_000)
def _fold_word(word: str) -> str:
    return fold_vietnamese(
        word
    )  # names repeat their words: a province folds a few thousand distinct ones


def member_search_key(full_name: str | None, code: str | None, phone: str | None) -> str:
    """What member search matches: name and code without diacritics or case, and the phone's digits."""
    name = " ".join(_fold_word(word) for word in (full_name or "").split())
    digits = "".join(c for c in phone or "" if c.isdigit())
    return f"{name}\t{fold_vietnamese(code or '')}{PHONE_MARK}{digits}"


def _search_key_default(context) -> str:
    """Column default, so Core bulk inserts (executemany of dicts) get the key too."""
    row = context.get_current_parameters()
    return member_search_key(row.get("full_name"), row.get("code"), row.get("phone"))


class Member(db.Model):
    """A roster row: one Youth Union member in exactly one chapter."""

    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(255))
    birth_date: Mapped[date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(16))  # "nam" | "nu" | "khac"
    ethnicity: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    email: Mapped[str | None] = mapped_column(String(255))
    is_cadre: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    search_key: Mapped[str | None] = mapped_column(String(512), default=_search_key_default)

    chapter: Mapped[Unit] = relationship()
    user: Mapped[User | None] = relationship(back_populates="member", uselist=False)

    __table_args__ = (Index("ix_member_chapter_active", "chapter_id", "active"),)

    def __repr__(self) -> str:
        return f"<Member {self.code}>"


@event.listens_for(Member, "before_update")
def _keep_search_key(mapper, connection, member: Member) -> None:
    """ORM edits of the name, code or phone refresh the search key (bulk updates set it themselves)."""
    state = inspect(member)
    if any(state.attrs[name].history.has_changes() for name in ("full_name", "code", "phone")):
        member.search_key = member_search_key(member.full_name, member.code, member.phone)


class User(UserMixin, db.Model):
    """An account. Members log in with their member code or phone; staff with a login."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(255))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), unique=True)
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on password change so that other sessions of the account end.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    member: Mapped[Member | None] = relationship(back_populates="user")
    grants: Mapped[list[Grant]] = relationship(
        # Read only where a policy decides (staff pages): a member's request never loads them.
        back_populates="user",
        cascade="all, delete-orphan",
        foreign_keys="Grant.user_id",
    )

    def get_id(self) -> str:
        """Flask-Login id, kept in the session and the remember-me cookie:
        "<user id>:<session version>:<issued, unix seconds>:<nonce>". A new one is made at each
        sign-in (so a remember token is never the same twice); the user loader refuses it once the
        account's session version moved on (sign-out, password change or reset) or it is older than
        the remember duration."""
        token = getattr(self, "_session_token", None)
        if token is None or not token.startswith(f"{self.id}:{self.session_version}:"):
            token = new_session_token(self)
            self._session_token = token
        return token

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_enabled and (self.member is None or self.member.active)


def new_session_token(user: User) -> str:
    """A fresh session id for `user` at its current session version."""
    return f"{user.id}:{user.session_version}:{int(time.time())}:{secrets.token_urlsafe(12)}"


def parse_session_token(token: str) -> tuple[int, int, int] | None:
    """(user id, session version, issued) from a session id; None when malformed."""
    parts = token.split(":")
    if len(parts) != 4:
        return None
    try:
        uid, version, issued = (int(p) for p in parts[:3])
    except ValueError:
        return None
    if not (0 < uid < 2**63 and 0 < version < 2**63):
        return None
    return uid, version, issued


class Grant(db.Model):
    """A role held by a user on a unit's whole subtree (admin: unit is None)."""

    __tablename__ = "grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    granted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="grants", foreign_keys=[user_id])
    unit: Mapped[Unit | None] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("user_id", "role", "unit_id", name="uq_grant_user_role_unit"),
    )


class ActivationCode(db.Model):
    """A one-time code that lets a member (or a reset user) choose a password."""

    __tablename__ = "activation_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(128), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
