"""Fixtures: an app on SQLite (default) or PostgreSQL, a client, factories, sign-in.

The database is chosen by QUIZAPP_TEST_DATABASE_URL. For PostgreSQL a fresh
database `<name>_<pid>` is created for the session and dropped after it, so
parallel runs never share state; tables are emptied between tests.
"""
from __future__ import annotations

import itertools
import os
import shutil
from datetime import datetime, timezone

import pytest
from flask import g
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from quizapp import create_app
from quizapp.i18n import compile_catalogs
from quizapp.extensions import db
from quizapp.models import Grant, Member, Role, Unit, User, set_unit_path
from quizapp.services.accounts import hash_password

TEST_PASSWORD = "matkhau-123"
IN_CI = bool(os.environ.get("CI"))


compile_catalogs()


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
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Factory:
    """Builds units, members and users with few words; every object is flushed."""

    def __init__(self):
        self._n = itertools.count(1)

    def unit(self, name: str, kind: str = "chapter", parent: Unit | None = None, code: str | None = None) -> Unit:
        unit = Unit(name=name, kind=kind, parent=parent, code=code or f"U{next(self._n):05d}")
        db.session.add(unit)
        db.session.flush()
        set_unit_path(unit)
        db.session.flush()
        return unit

    def member(self, chapter: Unit, name: str = "Nguyễn Văn An", code: str | None = None, **fields) -> Member:
        member = Member(code=code or f"DV{next(self._n):06d}", full_name=name, chapter=chapter, **fields)
        db.session.add(member)
        db.session.flush()
        return member

    def user(self, login: str | None = None, *, member: Member | None = None,
             grants: list[tuple[str, Unit | None]] = (), password: str = TEST_PASSWORD) -> User:
        login = login or (member.code if member else f"user{next(self._n)}")
        user = User(login=login, display_name=member.full_name if member else login,
                    member=member, password_hash=hash_password(password),
                    created_at=datetime.now(timezone.utc))
        db.session.add(user)
        db.session.flush()
        for role, unit in grants:
            db.session.add(Grant(user=user, role=role, unit=unit))
        db.session.flush()
        return user

    def province(self):
        """A small province: two districts, grassroots unions, chapters, members."""
        p = self.unit("Tỉnh đoàn Sơn La", "province", code="SL")
        d1 = self.unit("Huyện đoàn Mai Sơn", "district", p, code="SL-MS")
        d2 = self.unit("Huyện đoàn Mộc Châu", "district", p, code="SL-MC")
        g1 = self.unit("Đoàn xã Chiềng Dong", "grassroots", d1, code="SL-MS-CD")
        c1 = self.unit("Chi đoàn bản Nà Sản", "chapter", g1, code="SL-MS-CD-NS")
        c2 = self.unit("Chi đoàn bản Co Muồng", "chapter", g1, code="SL-MS-CD-CM")
        c3 = self.unit("Chi đoàn cơ sở Trường THPT Mộc Lỵ", "chapter", d2, code="SL-MC-ML")
        return {"province": p, "mai_son": d1, "moc_chau": d2, "chieng_dong": g1,
                "na_san": c1, "co_muong": c2, "moc_ly": c3}

    def bank(self, slug: str = "nq12", topics: tuple[str, ...] = ("Chủ đề A", "Chủ đề B"),
             multiple_scoring: str = "all_or_nothing", keys: dict | None = None, edits: dict | None = None):
        """A BankVersion (the next number of bank `slug`) with one question of every type per
        topic, built from models directly. Question uids are "<t>-<type>" (t = topic index),
        stable across versions; `keys` overrides answers by uid (to model a corrected key),
        `edits` any other fields by uid (versions are immutable once flushed).
        Explanations and sources contain "BÍ MẬT" so tests can search pages for leaks."""
        from quizapp.models import Bank, BankVersion, Question, Topic

        bank = db.session.scalar(db.select(Bank).where(Bank.slug == slug))
        if bank is None:
            bank = Bank(slug=slug, title=f"Bộ câu hỏi {slug}", created_at=datetime.now(timezone.utc))
            db.session.add(bank)
            db.session.flush()
        number = len(bank.versions) + 1
        version = BankVersion(bank=bank, number=number, checksum=f"{slug}-{number}", source_format="yaml",
                              title=bank.title, multiple_scoring=multiple_scoring,
                              imported_at=datetime.now(timezone.utc))
        db.session.add(version)
        specs = [
            ("single", "Thủ đô của Việt Nam là thành phố nào?", ["Hà Nội", "Huế", "Đà Nẵng", "Cần Thơ"],
             {"correct": [0]}),
            ("multiple", "Chọn **các** số chẵn.", ["Hai", "Ba", "Bốn", "Năm"], {"correct": [0, 2]}),
            ("true_false", "Đại hội Đoàn lần thứ XII họp năm 2022.", ["Đúng", "Sai"], {"correct": [0]}),
            ("short", "Tổ chức nào là đội dự bị tin cậy của Đảng?", [],
             {"accepted": ["Đoàn Thanh niên Cộng sản Hồ Chí Minh", "Đoàn TNCS Hồ Chí Minh"],
              "ignore_diacritics": True}),
            ("numeric", "Nhiệm kỳ Đại hội XII kéo dài mấy năm?", [], {"value": 5, "tolerance": 0}),
        ]
        position = 0
        for t_index, title in enumerate(topics):
            topic = Topic(version=version, position=t_index, title=title)
            db.session.add(topic)
            for qtype, stem, options, answer in specs:
                uid = f"{t_index}-{qtype}"
                fields = dict(
                    version=version, topic=topic, position=position, uid=uid, qtype=qtype,
                    stem=f"{stem} ({title})", options=list(options),
                    answer=(keys or {}).get(uid, answer),
                    explanation=f"Giải thích BÍ MẬT {uid}", source=f"Nguồn BÍ MẬT {uid}",
                    option_feedback=[f"Phản hồi BÍ MẬT {uid}"] * len(options), points=1.0,
                )
                fields.update((edits or {}).get(uid, {}))
                db.session.add(Question(**fields))
                position += 1
        version.question_count = position
        db.session.flush()
        return version


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
    """Call login(user) to act as that user."""
    def _login(user: User):
        db.session.commit()
        sign_in(client, user)
        # Requests share the test's app context, so Flask-Login's cached user must go.
        g.pop("_login_user", None)
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
