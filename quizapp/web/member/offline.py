"""Offline support for the member pages: the service worker, the web app manifest, the offline
page, versioned static URLs, and remembering the question a member is on."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import current_app, jsonify, render_template, request, url_for
from flask_login import login_required

from quizapp.security import signed_in_member_id
from quizapp.services.attempts import lifecycle as attempts
from quizapp.web.access import own_attempt_or_404
from quizapp.web.member.views import bp

PACKAGE = Path(__file__).resolve().parent.parent.parent
STATIC = PACKAGE / "static"
# What the kept quiz page is made of besides the files it loads: a release changing any of them
# is a new worker version, so the kept page is fetched again rather than opened as it was.
PAGE_SOURCES = ("templates", "translations")
# What the worker keeps for an offline reload; the quiz page needs nothing else.
ASSETS = (
    "css/app.css",
    "js/quiz.js",
    "js/number-hint.js",
    "favicon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/icon.svg",
)
WORKER = "js/sw.js"
_hashes: dict[str, tuple[float, str]] = {}


def file_version(filename: str) -> str:
    """A short content hash of a static file (recomputed when the file changes)."""
    return _content_hash(STATIC / filename)


def _content_hash(path: Path) -> str:
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return ""
    known = _hashes.get(str(path))
    if known is None or known[0] != mtime:
        known = (mtime, hashlib.sha256(path.read_bytes()).hexdigest()[:10])
        _hashes[str(path)] = known
    return known[1]


def release() -> str:
    """One version for the worker's cache: changes whenever anything it keeps, or the pages it
    keeps are made of, changes."""
    pages = sorted(
        path
        for folder in PAGE_SOURCES
        for path in (PACKAGE / folder).rglob("*.*")
        if path.suffix in (".html", ".po")
    )
    versions = (
        "".join(file_version(f) for f in (*ASSETS, WORKER))
        + "".join(_content_hash(p) for p in pages)
        + _manifest_text()
    )
    return hashlib.sha256(versions.encode()).hexdigest()[:12]


@bp.app_url_defaults
def versioned_static(endpoint: str, values: dict) -> None:
    """`?v=<hash>` on static URLs: a release never pairs a cached page with other files."""
    if endpoint == "static" and "v" not in values and values.get("filename"):
        version = file_version(values["filename"])
        if version:
            values["v"] = version


@bp.after_app_request
def keep_versioned_files(response):
    """A static URL naming its file's current version never changes: the browser keeps it for a
    year (the tab's icon too, which the browser fetches without asking the service worker)."""
    if (
        request.endpoint == "static"
        and response.status_code in (200, 304)
        and request.args.get("v")
        and request.args["v"] == file_version((request.view_args or {}).get("filename", ""))
    ):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = 365 * 24 * 3600
        response.cache_control.immutable = True
    return response


@bp.after_request
def mark_member_pages(response):
    """Tell the worker whose page this is, so a page is never shown to another account. Only
    pages carry it: the worker keeps nothing else, and the autosave must not load the user."""
    if response.mimetype != "text/html":
        return response
    member_id = signed_in_member_id()
    response.headers["X-Quizapp-Member"] = str(member_id) if member_id else ""
    return response


@bp.get("/sw.js")
def service_worker():
    """The service worker, served under /m/ so that its scope is the member pages."""
    source = (STATIC / WORKER).read_text(encoding="utf-8")
    config = {
        "version": release(),
        "assets": [url_for("static", filename=f) for f in ASSETS],
        "scope": url_for("member.home"),
        "manifest": url_for("member.manifest"),
        # Built into the worker, so no page of any account is kept for it.
        "offline_html": render_template("member/offline.html"),
    }
    body = source.replace("__CONFIG__", json.dumps(config))
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


def _manifest_text() -> str:
    def icon(filename: str, size: str, kind: str, purpose: str) -> dict:
        return {
            "src": url_for("static", filename=filename),
            "sizes": size,
            "type": kind,
            "purpose": purpose,
        }

    data = {
        "name": "Kiểm tra Nghị quyết Đoàn",
        "short_name": "Nghị quyết Đoàn",
        "description": "Làm bài kiểm tra việc học tập Nghị quyết Đại hội Đoàn, cả khi mạng yếu.",
        "lang": "vi",
        "dir": "ltr",
        "id": url_for("member.home"),
        "start_url": url_for("member.home"),
        "scope": url_for("member.home"),
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": "#0b4ea2",
        "icons": [
            icon("icons/icon-192.png", "192x192", "image/png", "any"),
            icon("icons/icon-512.png", "512x512", "image/png", "any"),
            icon("icons/icon-512.png", "512x512", "image/png", "maskable"),
            icon("icons/icon.svg", "any", "image/svg+xml", "any"),
        ],
    }
    return json.dumps(data, ensure_ascii=False)


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest: add the member pages to a phone's home screen (the worker keeps it)."""
    response = current_app.response_class(_manifest_text(), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.post("/api/attempts/<int:attempt_id>/position")
@login_required
def save_position(attempt_id: int):
    """Remember the question on screen ({position}), so "Làm tiếp" reopens there on any device."""
    attempt = own_attempt_or_404(attempt_id)
    data = request.get_json(silent=True)
    wanted = data.get("position") if isinstance(data, dict) else None
    try:
        position = attempts.set_position(attempt, wanted)
    except attempts.AttemptError as err:
        status = 409 if err.code == "finished" else 400
        return jsonify({"ok": False, "error": err.code, "message": err.message}), status
    return jsonify({"ok": True, "position": position})
