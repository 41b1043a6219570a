"""Shared set-up for the organiser console tests: a frozen console clock,
a second province outside every test actor's scope, and small request helpers."""
from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest

from quizapp.extensions import db
from quizapp.models import AuditEntry, Role

# 10:00 in Hà Nội on a Tuesday; the console's clock is frozen here unless a test moves it.
NOW = datetime(2025, 3, 4, 3, 0, tzinfo=UTC)


@pytest.fixture
def console(app, monkeypatch):
    """Freeze the console's clock at NOW; returns a setter."""
    from quizapp.web.organiser import common

    clock = {"now": NOW}
    monkeypatch.setattr(common, "now_utc", lambda: clock["now"])

    def move_to(moment: datetime):
        clock["now"] = moment
    return move_to


@pytest.fixture
def outside(make):
    """Another province (Lai Châu) with a district, a chapter, a member and an organiser there."""
    p = make.unit("Tỉnh đoàn Lai Châu", "province", code="LC")
    d = make.unit("Huyện đoàn Tam Đường", "district", p, code="LC-TD")
    c = make.unit("Chi đoàn bản Sì Thâu Chải", "chapter", d, code="LC-TD-STC")
    member = make.member(c, "Giàng Thị Súa", code="LC0001", phone="0977000111")
    organiser = make.user("bantuyengiao.laichau", grants=[(Role.ORGANISER, p)])
    db.session.commit()
    return {"province": p, "district": d, "chapter": c, "member": member, "organiser": organiser}


def text_of(reply) -> str:
    """The reply's HTML as text."""
    return reply.get_data(as_text=True)


def errors_of(reply) -> list[str]:
    """The messages shown next to fields (<p class="error">)."""
    return [html.unescape(re.sub(r"\s+", " ", m).strip()) for m in re.findall(r'<p class="error"[^>]*>(.*?)</p>', text_of(reply), re.DOTALL)]


def audit_actions() -> list[str]:
    """Every audited action, oldest first."""
    return [e.action for e in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))]


def switch_user(login, user):
    """Sign the same test client in as another user.

    The test app context lives across requests, so Flask-Login's per-request cache
    in `g` would otherwise keep answering with the previous user.
    """
    from flask import g

    g.pop("_login_user", None)
    return login(user)
