"""Addresses printed on paper (slips, reminder sheets) and their QR codes.

The site's address is `SITE_URL` when set; otherwise the address the request came in on, so a
slip never points at a machine the member cannot reach. Behind a reverse proxy, set
`PROXY_HOPS` to the number of proxies in front of the app and the forwarded host and scheme
are used (werkzeug's ProxyFix); never trust forwarded headers without it.
"""

from __future__ import annotations

import segno
from flask import current_app, has_request_context, request, url_for
from markupsafe import Markup
from werkzeug.middleware.proxy_fix import ProxyFix

FALLBACK_SITE_URL = "http://127.0.0.1:5000"


def init_app(app) -> None:
    """Trust the forwarded address only from as many proxies as configured."""
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )


def site_url() -> str:
    """The site's address without a trailing slash: the setting, else this request's address."""
    configured = current_app.config.get("SITE_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return FALLBACK_SITE_URL


def site_url_missing() -> bool:
    """In production the address must be set: slips made from the command line need it too."""
    return bool(current_app.config.get("PRODUCTION")) and not current_app.config.get("SITE_URL")


def activation_link(login: str | None = None, code: str | None = None) -> str:
    """The activation form's address; with a login and code, the form opens filled in."""
    params = {k: v for k, v in (("login", login), ("code", code)) if v}
    if has_request_context():
        path = url_for("auth.activate", _external=False, **params)
    else:  # the command line: no request to build from
        path = current_app.url_map.bind("").build("auth.activate", params)
    return site_url() + path


def qr_svg(data: str, label: str) -> Markup:
    """`data` as an inline SVG QR code drawn on the server (prints with the page, needs nothing
    from outside); `label` is what a screen reader says instead."""
    svg = segno.make(data, error="m").svg_inline(scale=3, border=2, omitsize=True, title=label)
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))
