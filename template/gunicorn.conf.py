"""Gunicorn settings, read from the environment so one image runs anywhere.

PORT                      port to listen on (cloud platforms set it; default 8080)
HOST                      address to bind (127.0.0.1 locally; the container sets 0.0.0.0)
WEB_CONCURRENCY           number of worker processes (default 2)
PROMETHEUS_MULTIPROC_DIR  where workers share their metrics (default: a new temporary dir)
OMP_NUM_THREADS           threads per worker for scikit-learn (default 1)
"""

import os
import shutil
import tempfile

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8080')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = 30
graceful_timeout = 10
# gunicorn 24+ opens a control socket in $HOME by default; the service does
# not use it, and the container's user has no home directory.
control_socket_disable = True
accesslog = "-"  # access log to stdout, where containers collect logs
errorlog = "-"

# Parallelism comes from the worker processes. Left alone, each worker's
# scikit-learn would also start one OpenMP thread per CPU core for every
# prediction; with several workers those threads fight over the cores and a
# prediction can get ten times slower under load. One thread per worker.
os.environ.setdefault("OMP_NUM_THREADS", "1")

# Each worker is a separate process with its own counters. In Prometheus'
# multiprocess mode every worker writes its metrics to files in this directory
# and GET /metrics adds them up, so a scrape shows the whole service. It must
# be set before the workers import prometheus_client, hence here.
_created_metrics_dir = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
if _created_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="prometheus-")


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
