"""What production runs: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`, behind nginx
with deploy/nginx.conf (see README, "Production"). Settings given on the command line
win over these (`--bind`, `--workers`), which is how tests/deploy and the bench use
this file."""

import multiprocessing

# Only nginx on the same machine talks to gunicorn: it must not be reachable from
# outside, or a visitor could skip the proxy (and its cache) and forge X-Forwarded-*.
bind = "127.0.0.1:8000"

# Sync workers, as many as the usual rule for them: each handles one request at a time,
# and nginx buffers slow clients, so a worker is never held by a slow connection.
workers = 2 * multiprocessing.cpu_count() + 1
worker_class = "sync"

# A worker silent this long is killed. It must outlast the slowest request the site
# makes: a payment step waits up to GATEWAY_TIMEOUT_SECONDS (20 s) for a gateway, and a
# staff member publishing a Terms version renders its PDFs. nginx's proxy_read_timeout
# (deploy/nginx.conf) is longer still, so that gunicorn, not nginx, ends such a request.
timeout = 60
# Time given to a request in progress on restart or reload (SIGHUP) before it is cut.
graceful_timeout = 30
# nginx opens a connection per request (HTTP/1.0 to the upstream): nothing to keep.
keepalive = 2

# X-Forwarded-Proto is read only from these addresses (gunicorn's default, said here):
# the application itself trusts exactly PROXY_COUNT=1 hop through Werkzeug's ProxyFix.
forwarded_allow_ips = "127.0.0.1,::1"

# Log lines go to stderr, which systemd (or a container) collects. The logger redacts
# the tokens that travel in a path (reset, verification, consent links) from every
# field of the access log, Referer included (app/logs.py).
logger_class = "app.logs.GunicornLogger"
accesslog = "-"
errorlog = "-"
loglevel = "info"
# The visitor's address comes from nginx's X-Forwarded-For (nginx sets it to the address
# it saw, never passing on one a client sent); %(M)s is the time taken, in milliseconds.
access_log_format = (
    '%({x-forwarded-for}i)s "%(r)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s" %({x-request-id}i)s'
)
