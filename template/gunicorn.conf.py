"""Gunicorn settings, read from the environment so one image runs anywhere.

PORT             port to listen on (cloud platforms set it; default 8080)
HOST             address to bind (127.0.0.1 locally; the container sets 0.0.0.0)
WEB_CONCURRENCY  number of worker processes (default 2)
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8080')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = 30
graceful_timeout = 10
# gunicorn 24+ opens a control socket in $HOME by default; the service does
# not use it, and the container's user has no home directory.
control_socket_disable = True
accesslog = "-"  # access log to stdout, where containers collect logs
errorlog = "-"
