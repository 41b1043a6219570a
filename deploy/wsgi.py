"""WSGI entry for gunicorn: `gunicorn deploy.wsgi:app`.

Behind nginx, set QUIZAPP_PROXY_HOPS=1: create_app then trusts X-Forwarded-For/-Proto/-Host
from exactly that many proxies (quizapp/web/links.py), so rate limits and logs see the member's
address and slips print the public address. Never more hops than there are proxies.
"""

from quizapp import create_app

app = create_app()
