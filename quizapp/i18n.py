"""Languages: Vietnamese by default, English complete; times shown in Vietnam time."""
from __future__ import annotations

from flask import current_app, has_request_context, request, session

from quizapp import formatting
from quizapp.extensions import babel

TRANSLATIONS = "translations"


def select_locale() -> str:
    """The language chosen with the switch (kept in the session), else Vietnamese."""
    # CLI commands and services run without a request: they speak the default language.
    chosen = session.get("lang") if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app) -> None:
    """Bind Flask-Babel and the formatting filters."""
    try:
        compile_catalogs()
    except OSError:  # a read-only install ships compiled catalogues
        app.logger.warning("translation catalogues could not be compiled")
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=TRANSLATIONS,
    )

    formatting.init_app(app)

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
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    root = Path(directory or Path(__file__).parent / TRANSLATIONS)
    for po in root.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f)
        with mo.open("wb") as f:
            write_mo(f, catalog)
