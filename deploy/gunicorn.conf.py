"""gunicorn settings of one app server (README "Deploying", docs/operations.md).

Every server runs the same file; what differs comes from the environment
(GUNICORN_BIND, GUNICORN_WORKERS). No state lives in a worker: sessions, cache,
files and jobs are in PostgreSQL, Redis and the shared storage, so nginx may
send any request to any worker of any server.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Requests wait on PostgreSQL more than they compute: two workers per core, plus one.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Long work (imports, big lists, reports) runs as jobs; a request that takes
# longer than this is a bug, and the worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
# `systemctl reload` (HUP) and `stop` let requests in flight finish.
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak never grows.
max_requests = 2000
max_requests_jitter = 200
# nginx on the same host (or the load balancer's address) may say the client
# used HTTPS; nobody else may.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# nginx writes the access log (JSON, without query strings that could hold an
# ID number); gunicorn's own log goes to standard error, to the journal.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "hungbinh"
