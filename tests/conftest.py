"""Every fixture of the suite: an app on SQLite (default) or PostgreSQL, a client, the factory,
sign-in, the frozen clock, the organiser console's stage. Helper modules (tests/*kit.py,
tests/timeline.py) hold plain functions and constants only; tests never import fixtures.

The database is chosen by QUIZAPP_TEST_DATABASE_URL. For PostgreSQL a fresh
database `<name>_<pid>` is created for the session and dropped after it, so
parallel runs never share state; tables are emptied between tests.

A test holds one app context (its `app` fixture) for its database work; each request of the
test client gets a fresh `g`, as every request does in production, so nothing cached per
request (the signed-in user, the locale) leaks from one request to the next.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import has_app_context
from flask.globals import app_ctx
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from quizapp import clock, create_app
from quizapp.extensions import db
from quizapp.models import Role, User
from tests import timeline
from tests.factory import TEST_PASSWORD, Factory
from tests.quizkit import Sitting

__all__ = ["IN_CI", "TEST_PASSWORD", "Factory", "make_app", "sign_in"]  # for older test modules

IN_CI = bool(os.environ.get("CI"))


def _compile_stale_catalogues() -> None:
    """Compile .po files newer than their .mo: `make install` compiles them, but a test run
    must also see strings merged since (tools/i18n_merge.py, `make i18n`)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent / "quizapp" / "translations"
    for po in root.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source, mo.open("wb") as target:
            write_mo(target, read_po(source))


_compile_stale_catalogues()


def _pg_url() -> str | None:
    return os.environ.get("QUIZAPP_TEST_DATABASE_URL") or None


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A database for this test session: a SQLite template file, or a fresh PostgreSQL db."""
    base = _pg_url()
    if base is None:
        yield None
        return
    url = make_url(base)
    name = f"{url.database}_{os.getpid()}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    "SERVER_NAME": "localhost",
}

_sqlite_template: dict[str, str] = {}


class RequestClient(FlaskClient):
    """The test client, each request with a fresh `g` (as in production) although it runs inside
    the test's app context: Flask reuses a pushed app context, and with it `g`, for requests."""

    def open(self, *args, **kwargs):
        ctx = app_ctx._get_current_object() if has_app_context() else None
        if ctx is None or ctx.app is not self.application:
            return super().open(*args, **kwargs)
        kept, ctx.g = ctx.g, self.application.app_ctx_globals_class()
        try:
            return super().open(*args, **kwargs)
        finally:
            ctx.g = kept


def make_app(database_url, tmp_path, **overrides):
    """Build an app on an empty schema: a copied SQLite template, or a truncated PostgreSQL db."""
    config = dict(BASE_CONFIG)
    if database_url is None:
        path = tmp_path / "test.sqlite"
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
        template = _sqlite_template.get("path")
        if template:
            shutil.copy(template, path)
    else:
        config["SQLALCHEMY_DATABASE_URI"] = database_url
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = RequestClient
    with app.app_context():
        if database_url is None:
            if not _sqlite_template.get("path"):
                db.create_all()
                db.session.remove()
                db.engine.dispose()
                template = tmp_path.parent.parent / f"template-{os.getpid()}.sqlite"
                shutil.copy(path, template)
                _sqlite_template["path"] = str(template)
        else:
            db.create_all()
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            db.session.commit()
    return app


@pytest.fixture
def app(database_url, tmp_path):
    """The application under test, on an empty database."""
    app = make_app(database_url, tmp_path)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client whose requests each get a fresh `g`."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Click's runner for `quizapp …` commands, bound to the app."""
    return app.test_cli_runner()


class FrozenClock:
    """quizapp.clock.now_utc() answers `now` until moved with set() or advance()."""

    def __init__(self, instant: datetime):
        self.now = instant
        self.set(instant)

    def set(self, instant: datetime) -> datetime:
        """Stand at `instant` (aware); returns it."""
        clock.freeze(instant)
        self.now = instant
        return instant

    def advance(self, delta: timedelta | None = None, **parts) -> datetime:
        """Move forward by `delta` or by timedelta(**parts); returns the new instant."""
        return self.set(self.now + (delta if delta is not None else timedelta(**parts)))


@pytest.fixture
def frozen_clock():
    """The app's clock, frozen at timeline.DURING (the quiz window is open) for this test: HTTP
    requests, services called with now_utc() and the browser tests' live server all see it."""
    frozen = FrozenClock(timeline.DURING)
    yield frozen
    clock.freeze(None)


@pytest.fixture
def make(app):
    """Factory for units, members and users."""
    return Factory()


def sign_in(client, user: User) -> None:
    """Sign the test client in as `user` without going through the form."""
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True


@pytest.fixture
def login(client):
    """Call login(user) to act as that user (again to switch user); returns the client."""

    def _login(user: User):
        db.session.commit()
        sign_in(client, user)
        return client

    return _login


@pytest.fixture
def roles(make):
    """A province with one user per role: admin, organiser and secretary on the province,
    a secretary of Mai Sơn, a member of chi đoàn Nà Sản."""
    tree = make.province()
    member = make.member(tree["na_san"], "Lò Thị Mai", ethnicity="Thái", gender="nu")
    users = {
        "admin": make.user("admin", grants=[(Role.ADMIN, None)]),
        "organiser": make.user("bantuyengiao", grants=[(Role.ORGANISER, tree["province"])]),
        "secretary": make.user("bithu.tinh", grants=[(Role.SECRETARY, tree["province"])]),
        "district_secretary": make.user("bithu.maison", grants=[(Role.SECRETARY, tree["mai_son"])]),
        "member": make.user(member=member),
    }
    db.session.commit()
    return {"tree": tree, "users": users, "member": member}


@pytest.fixture
def sit(make, login, frozen_clock):
    """A member (Lò Thị Mai) signed in, with a quiz open at the frozen clock's timeline.DURING."""
    return Sitting(make, login)


@pytest.fixture
def console(app, frozen_clock):
    """The organiser console's stage: the clock frozen at timeline.CONSOLE_NOW; returns a setter."""
    frozen_clock.set(timeline.CONSOLE_NOW)
    return frozen_clock.set


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
