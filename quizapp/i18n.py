"""Languages: Vietnamese by default, English complete; times shown in Vietnam time."""
from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, has_request_context, request, session
from flask_babel import format_datetime

from quizapp.clock import to_local
from quizapp.extensions import babel

TRANSLATIONS = "translations"


def select_locale() -> str:
    """The language chosen with the switch (kept in the session), else Vietnamese."""
    # CLI commands and services run without a request: they speak the default language.
    chosen = session.get("lang") if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def localtime(value, fmt="dd/MM/yyyy HH:mm") -> str:
    """Show an aware UTC datetime in Asia/Ho_Chi_Minh."""
    if value is None:
        return ""
    return format_datetime(to_local(value), fmt)


def init_app(app) -> None:
    """Bind Flask-Babel and the template helpers for dates."""
    try:
        compile_catalogs()
    except OSError:  # a read-only install ships compiled catalogues
        app.logger.warning("translation catalogues could not be compiled")
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=TRANSLATIONS,
    )

    app.add_template_filter(localtime, "localtime")

    @app.context_processor
    def inject_locale():
        return {"current_locale": select_locale(), "languages": app.config["LANGUAGES"]}

    @app.before_request
    def remember_language_from_query():
        lang = request.args.get("lang")
        if lang in app.config["LANGUAGES"]:
            session["lang"] = lang


def compile_catalogs(directory: str | None = None) -> None:
    """Compile every .po catalogue to .mo when the .mo is missing or older."""
    root = Path(directory or Path(__file__).parent / TRANSLATIONS)
    for po in root.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f)
        with mo.open("wb") as f:
            write_mo(f, catalog)
