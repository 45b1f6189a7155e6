"""gunicorn's settings for the portal, read by deploy/portal-web.service (`gunicorn -c` this file).

Everything can be changed from the environment file (deploy/portal.env.example).
"""

import multiprocessing
import os

wsgi_app = "portal.wsgi:application"

# nginx proxies to this address; keep it on loopback (or a unix socket: unix:/run/portal/web.sock)
# so that nobody reaches gunicorn without going through nginx's TLS.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# A report's Excel download or the council resolution's PDF can take several seconds on a
# whole university; big imports go to the rq worker, not here.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak in a library cannot grow for weeks.
max_requests = 1000
max_requests_jitter = 100
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Only nginx on this machine may say the request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# "-" is stdout: journald keeps it under systemd (journalctl -u portal-web).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client's address as nginx saw it (X-Real-IP), then the usual fields and the duration (µs).
access_log_format = '%({x-real-ip}i)s %(h)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(a)s" %(D)s'
proc_name = "portal-web"
