"""gunicorn settings for quizapp: `gunicorn -c deploy/gunicorn.conf.py` (see docs/deploy.md).

Every number can be overridden from the environment, so the same file serves a laptop,
one app server of a fleet, and the benchmarks in bench/.
"""

import multiprocessing
import os

_here = os.path.dirname(os.path.abspath(__file__))
# deploy/wsgi.py builds the app (and trusts the proxy's X-Forwarded-For when told to).
pythonpath = _here
wsgi_app = "wsgi:app"

bind = os.environ.get("QUIZAPP_BIND", "127.0.0.1:8000")

# Threads overlap database waits; processes use the cores. A password check (scrypt)
# releases the GIL, so threads of one worker hash in parallel too.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("QUIZAPP_THREADS", 4))
# Connections a worker holds open (keep-alive from nginx included).
worker_connections = 200

# A worker silent for this long is killed and replaced by the master (a stuck request).
timeout = int(os.environ.get("QUIZAPP_WORKER_TIMEOUT", 30))
# On SIGTERM/SIGHUP, requests in flight get this long to finish: no lost acknowledged save.
graceful_timeout = int(os.environ.get("QUIZAPP_GRACEFUL_TIMEOUT", 30))
keepalive = 5

# Recycle workers now and then (slow leaks), staggered so they never restart together.
max_requests = int(os.environ.get("QUIZAPP_MAX_REQUESTS", 20000))
max_requests_jitter = max_requests // 10

# Off: each worker imports the app and opens its own database pool after the fork
# (a pool inherited across fork shares sockets), and SIGHUP reloads new code.
preload_app = False

# The heartbeat file lives on tmpfs: a busy disk (backups, WAL checkpoints) cannot
# make the master believe a healthy worker is stuck.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# The app writes one JSON line per request (method, path, status, ms, request id, user);
# gunicorn's own access log would only repeat it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("QUIZAPP_GUNICORN_LOGLEVEL", "info")

# X-Forwarded-Proto is believed only from these addresses (nginx on the same host).
forwarded_allow_ips = os.environ.get("QUIZAPP_FORWARDED_ALLOW_IPS", "127.0.0.1")

limit_request_line = 8190
limit_request_fields = 100
