"""Configuration: defaults, then instance/config.py, then QUIZAPP_* environment; secrets and cookies."""

import stat

import pytest
from flask import Flask
from sqlalchemy import text

from quizapp import create_app
from quizapp.config import load_config
from quizapp.extensions import db


@pytest.fixture
def bare(tmp_path, monkeypatch):
    """A Flask app with an empty instance folder and no QUIZAPP_* variables."""
    for key in list(__import__("os").environ):
        if key.startswith("QUIZAPP_"):
            monkeypatch.delenv(key)
    return Flask("quizapp_config_test", instance_path=str(tmp_path / "instance"))


def test_defaults_give_a_sqlite_file_in_the_instance_folder(bare):
    load_config(bare)
    assert (
        bare.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{bare.instance_path}/quizapp.sqlite"
    )
    assert bare.config["BABEL_DEFAULT_LOCALE"] == "vi"


def test_instance_file_overrides_defaults_and_environment_overrides_both(
    bare, monkeypatch, tmp_path
):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(
        'SITE_URL = "https://tu-file.example"\nACTIVATION_CODE_TTL_DAYS = 10\n'
    )
    load_config(bare)
    assert bare.config["SITE_URL"] == "https://tu-file.example"
    monkeypatch.setenv("QUIZAPP_SITE_URL", "https://tu-moi-truong.example")
    monkeypatch.setenv("QUIZAPP_ACTIVATION_CODE_TTL_DAYS", "7")
    load_config(bare)
    assert bare.config["SITE_URL"] == "https://tu-moi-truong.example"
    assert bare.config["ACTIVATION_CODE_TTL_DAYS"] == 7


def test_a_secret_key_is_generated_once_into_the_instance_folder(bare, tmp_path):
    load_config(bare)
    key = bare.config["SECRET_KEY"]
    path = tmp_path / "instance" / "secret_key"
    assert len(key) >= 64 and path.read_text().strip() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    load_config(bare)
    assert bare.config["SECRET_KEY"] == key


def test_a_given_secret_key_is_used_as_text_and_nothing_is_written(bare, monkeypatch, tmp_path):
    monkeypatch.setenv("QUIZAPP_SECRET_KEY", "123456789")
    load_config(bare)
    assert bare.config["SECRET_KEY"] == "123456789"
    assert not (tmp_path / "instance" / "secret_key").exists()


def test_database_url_selects_postgresql_with_pool_pre_ping(bare, monkeypatch):
    monkeypatch.setenv("QUIZAPP_DATABASE_URL", "postgresql+psycopg://quizapp@db.example/quizapp")
    load_config(bare)
    assert (
        bare.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://quizapp@db.example/quizapp"
    )
    assert bare.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


def test_production_sets_secure_cookie_flags(bare, monkeypatch):
    load_config(bare)
    assert not bare.config["SESSION_COOKIE_SECURE"]
    monkeypatch.setenv("QUIZAPP_PRODUCTION", "true")
    load_config(bare)
    assert bare.config["PRODUCTION"] is True
    assert bare.config["SESSION_COOKIE_SECURE"] and bare.config["REMEMBER_COOKIE_SECURE"]
    assert (
        bare.config["SESSION_COOKIE_HTTPONLY"] and bare.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    )


def test_production_cookies_are_sent_secure(database_url, tmp_path):
    from tests.conftest import make_app

    app = make_app(
        database_url,
        tmp_path,
        PRODUCTION=True,
        SESSION_COOKIE_SECURE=True,
        REMEMBER_COOKIE_SECURE=True,
    )
    client = app.test_client()
    with app.app_context():
        reply = client.post("/lang/en", data={"next": "/"})
        db.session.remove()
    cookie = reply.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_sqlite_has_foreign_keys_wal_and_a_busy_timeout(tmp_path):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}",
            "SECRET_KEY": "x",
            "SQLITE_BUSY_TIMEOUT_MS": 4321,
        }
    )
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 4321
        db.engine.dispose()
