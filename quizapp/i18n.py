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
    """Bind Flask-Babel and the template helpers for dates. The catalogues (.mo) are compiled
    when the package is built or installed (setup.py, `make install`), not here."""
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
