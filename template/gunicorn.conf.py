"""Gunicorn settings, read from the environment so one image runs anywhere.

PORT                      port to listen on (cloud platforms set it; default 8080)
HOST                      address to bind (127.0.0.1 locally; the container sets 0.0.0.0)
WEB_CONCURRENCY           number of worker processes (default 2)
THREADS_PER_WORKER        requests each worker process answers at once (default 8)
CLIENT_TIMEOUT            seconds a client may stay silent in the middle of a request
                          before it is disconnected (default 10)
PROMETHEUS_MULTIPROC_DIR  where workers share their metrics (default: a new temporary dir)
OMP_NUM_THREADS           threads per worker for scikit-learn (default 1)

gunicorn has no setting for three things this service needs, so the code
below changes them: its own error answers (414, 431 ...) are JSON, a silent
client is disconnected (CLIENT_TIMEOUT), and closing a connection never
holds up the thread that accepts new ones. tests/test_server.py fails if a
gunicorn upgrade breaks any of them.
"""

import functools
import json
import logging
import os
import shutil
import socket
import struct
import tempfile
import threading

from gunicorn import util

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8080')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = 30
graceful_timeout = 10
# gunicorn 24+ opens a control socket in $HOME by default; the service does
# not use it, and the container's user has no home directory.
control_socket_disable = True
accesslog = "-"  # access log to stdout, where containers collect logs
errorlog = "-"

# -- slow clients ------------------------------------------------------------------------
# gunicorn's default "sync" worker answers one request at a time: a single
# client that sends its request slowly (on purpose or over a bad network)
# keeps the whole worker waiting, and a few such clients stop the service,
# /health included. A "gthread" worker answers with a pool of threads, so a
# slow client holds one thread while the others go on answering. And every
# connection gets a receive timeout (see when_ready): a client silent for
# CLIENT_TIMEOUT seconds in the middle of its request is disconnected, which
# gives its thread back.
worker_class = "gthread"
threads = int(os.environ.get("THREADS_PER_WORKER", "8"))
CLIENT_TIMEOUT = int(os.environ.get("CLIENT_TIMEOUT", "10"))

# -- size limits, checked by gunicorn before Flask sees the request ----------------------
# (gunicorn's defaults, written out because docs/api.md promises them; the
# body's limit is MAX_BODY_BYTES, checked by the app.)
limit_request_line = 4094  # method + path + query + protocol: a longer one is a 414
limit_request_fields = 100  # headers per request: more is a 431
limit_request_field_size = 8190  # bytes per header: a larger one is a 431

# Parallelism comes from the worker processes. Left alone, each worker's
# scikit-learn would also start one OpenMP thread per CPU core for every
# prediction; with several workers those threads fight over the cores and a
# prediction can get ten times slower under load. One thread per worker.
os.environ.setdefault("OMP_NUM_THREADS", "1")

# Each worker is a separate process with its own counters. In Prometheus'
# multiprocess mode every worker writes its metrics to files in this directory
# and GET /metrics adds them up, so a scrape shows the whole service. It must
# be set before the workers import prometheus_client, hence here. (A worker's
# threads share its files; prometheus_client locks them.)
_created_metrics_dir = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
if _created_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="prometheus-")


# -- gunicorn's own error answers, as JSON ---------------------------------------------
# gunicorn refuses some requests itself, before Flask sees them: a request
# line over limit_request_line (414), headers over their limits (431), a
# request that is not HTTP (400). Its answer is a small HTML page. Every other
# error of the service is JSON ({"error": "..."}, see serving/errors.py), so
# the function gunicorn writes those pages with is replaced by one that
# writes JSON. tests/test_server.py checks that gunicorn still calls it.
GUNICORN_ERRORS = {
    414: f"the request line (method, path and query) is over {limit_request_line} bytes: "
    "send the data in a POST body, not in the URL",
    431: f"the request headers are too large: at most {limit_request_fields} headers "
    f"of at most {limit_request_field_size} bytes each",
    500: "internal server error: the traceback is in the server log",
}


def write_json_error(sock, status_int, reason, mesg):
    """Answer `status_int` with {"error": ...} (gunicorn's `util.write_error`, in JSON)."""
    message = GUNICORN_ERRORS.get(status_int) or f"bad request: {mesg or reason}"
    body = json.dumps({"error": message}).encode() + b"\n"
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


util.write_error = write_json_error


class SilentClientFilter(logging.Filter):
    """Log a client disconnected by CLIENT_TIMEOUT in one line, not as a traceback.

    The receive timeout makes the operating system end a silent client's read
    with EAGAIN ("Resource temporarily unavailable"); gunicorn logs that with
    a traceback, as if it were a bug. It is the timeout doing its job.
    """

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, BlockingIOError):
            record.msg = f"disconnected a client silent for {CLIENT_TIMEOUT}s mid-request"
            record.args, record.exc_info = (), None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


logging.getLogger("gunicorn.error").addFilter(SilentClientFilter())


# When gunicorn closes a connection, it first waits up to 2 seconds for the
# client to hang up too (so that no unread bytes turn the close into a reset).
# It waits on the worker's main thread, the one that accepts connections: a
# client that never hangs up (a slow client just disconnected, say) would
# stop the worker from accepting anyone, /health included, for those seconds.
# So the wait happens on a short-lived thread of its own.
# (gunicorn reads this file again on a reload, kill -HUP: wrap the original once.)
_close_graceful = getattr(util.close_graceful, "__wrapped__", util.close_graceful)


@functools.wraps(_close_graceful)
def close_graceful_in_background(sock, *args, **kwargs):
    """gunicorn's `util.close_graceful`, off the thread that accepts connections."""
    threading.Thread(target=_close_graceful, args=(sock, *args), kwargs=kwargs, daemon=True).start()


util.close_graceful = close_graceful_in_background


def when_ready(server):
    """Give every connection a receive timeout of CLIENT_TIMEOUT seconds.

    It is set on the listening socket once, before the workers start, and each
    accepted connection inherits it. gunicorn waits for the next bytes of a
    request without a time limit; with this option a wait longer than
    CLIENT_TIMEOUT fails, and the connection is closed.
    """
    timeval = struct.pack("ll", CLIENT_TIMEOUT, 0)  # C's struct timeval: seconds, microseconds
    for listener in server.LISTENERS:
        listener.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeval)


def on_starting(server):
    """Start counting from zero: files left by an earlier run would be added in."""
    directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if name.endswith(".db"):
            os.remove(os.path.join(directory, name))


def child_exit(server, worker):
    """Tell prometheus_client a worker is gone (it keeps its totals)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _created_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
