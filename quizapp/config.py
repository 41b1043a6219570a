"""Configuration: built-in defaults, then instance/config.py, then QUIZAPP_* environment."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

# The source tree (templates/, migrations/, question_banks/ live beside the package).
ROOT = Path(__file__).resolve().parent.parent


class Defaults:
    """Built-in defaults; every key may be overridden."""

    SQLALCHEMY_DATABASE_URI = None  # filled in with the instance folder's SQLite file
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLITE_BUSY_TIMEOUT_MS = 15000
    PASSWORD_HASH_METHOD = "scrypt:32768:8:1"
    ACTIVATION_CODE_TTL_DAYS = 30
    # The CSRF token must outlive the longest quiz a member may sit.
    WTF_CSRF_TIME_LIMIT = 12 * 3600
    WTF_CSRF_SSL_STRICT = False
    PERMANENT_SESSION_LIFETIME = 30 * 24 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = 30 * 24 * 3600  # also the longest a signed-in session lasts
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_LOGIN_PER_ACCOUNT = "10 per 5 minutes"
    RATELIMIT_LOGIN_PER_ADDRESS = "60 per 5 minutes"
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    ANSWER_GRACE_SECONDS = 60
    SITE_URL = None  # printed on slips; unset: the address each request came in on
    PROXY_HOPS = 0  # reverse proxies in front of the app whose X-Forwarded-* headers count
    PRODUCTION = False  # true behind HTTPS: secure cookies
    ACTIVATION_BATCH_MAX = 5000  # slips per unit in one go; larger units go unit by unit
    ROSTER_MAX_ROWS = 500_000
    # A web worker keeps a roster's rows while it previews and applies them: 100,000 rows stay
    # under 300 MB of worker memory (bench/roster_upload_memory.py); bigger files go through the CLI.
    ROSTER_UPLOAD_MAX_ROWS = 100_000
    ROSTER_MAX_BYTES = 100 * 1024 * 1024


# Keys that are text whatever they look like (a numeric secret key must not become an int).
_TEXT_SUFFIXES = ("_URI", "_URL", "KEY", "PASSWORD", "_NAME", "_PATH", "_DIR")


def _coerce(key: str, value: str):
    """An environment value as the type of its default: text keys stay text, others are read as JSON
    when they look like JSON (true, 20, ["vi", "en"])."""
    default = getattr(Defaults, key, None)
    if isinstance(default, str) or key.endswith(_TEXT_SUFFIXES):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def load_config(app, test_config: dict | None = None) -> None:
    """Fill app.config in order: defaults, instance/config.py, QUIZAPP_* env, test_config."""
    app.config.from_object(Defaults)
    instance = Path(app.instance_path)
    if test_config is None:
        app.config.from_pyfile(str(instance / "config.py"), silent=True)
        for key, value in os.environ.items():
            if key.startswith("QUIZAPP_"):
                name = key.removeprefix("QUIZAPP_")
                app.config[name] = _coerce(name, value)
        if "DATABASE_URL" in app.config:
            app.config["SQLALCHEMY_DATABASE_URI"] = app.config.pop("DATABASE_URL")
    else:
        app.config.update(test_config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        _private_dir(instance)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'quizapp.sqlite'}"
    _private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance)
    if app.config["PRODUCTION"]:
        for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
            app.config[key] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"
        if str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
            app.logger.warning(
                "rate limits are kept per process; set QUIZAPP_RATELIMIT_STORAGE_URI=redis://… "
                "so that all workers share them"
            )
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_pre_ping": True,
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        }


def _private_dir(path: Path) -> None:
    """The instance folder holds the database and the secret key: owner only (0700)."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)


def _private_sqlite_file(uri: str) -> None:
    """Create a SQLite database file readable by its owner only (0600) before SQLite creates it with
    the umask's permissions; its journal files take the same mode. Other databases: nothing to do."""
    if (
        not uri.startswith("sqlite:///")
        or uri in ("sqlite:///", "sqlite:///:memory:")
        or "mode=memory" in uri
    ):
        return
    path = Path(uri.removeprefix("sqlite:///").split("?", 1)[0])
    if not path.parent.exists():
        return
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)


def _instance_secret(instance: Path) -> str:
    """Return the secret key kept in instance/secret_key, creating it on first run."""
    path = instance / "secret_key"
    if not path.exists():
        _private_dir(instance)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
