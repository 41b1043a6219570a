"""WSGI entry for gunicorn: the app, behind QUIZAPP_PROXY_HOPS trusted proxies."""
import os

from werkzeug.middleware.proxy_fix import ProxyFix

from quizapp import create_app

app = create_app()

# Behind nginx the peer address is nginx's: rate limits per address and the logs need the
# member's address from X-Forwarded-For. Trust exactly as many hops as there are proxies,
# never more, or anyone could forge an address.
_hops = int(os.environ.get("QUIZAPP_PROXY_HOPS", "0"))
if _hops:
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=_hops, x_proto=_hops, x_host=0, x_prefix=0)
