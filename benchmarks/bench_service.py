"""Throughput and latency of the generated prediction service against a bare Flask baseline.

Both serve the same trained model under gunicorn with the same settings (the
generated project's gunicorn.conf.py, same WEB_CONCURRENCY), on 127.0.0.1.
The generated service validates every record, counts Prometheus metrics and
writes the prediction log; the baseline (baseline_app.py) does none of that.
Rounds alternate baseline / service so that load from anything else on the
machine hits both alike. Prints ratios service / baseline, for single
predictions and for batches.

    python benchmarks/bench_service.py                     # generate, set up, train, measure
    python benchmarks/bench_service.py --project P --venv V  # reuse a trained project and venv
    python benchmarks/bench_service.py --quick             # 1 round of 0.5 s: does it run?

Goal: the service keeps >= 0.9x the baseline's throughput, for single
predictions and for batches. A server that does not start, or answers the
example request with anything but 200, stops the benchmark with its stderr
and status 1: no ratio is printed without measurements behind it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from _common import REPO, machine, make_setup, parse_args, shared_project_venv

HERE = Path(__file__).resolve().parent
GOAL = 0.9  # service / baseline throughput, single and batch


def sh(cmd: list, **kwargs) -> None:
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def prepare(work: Path, use_case: str) -> tuple[Path, Path]:
    """Generate a project from this repository, install it in a new venv, train it.

    Installed with its own `make setup` (the locked versions); the venv is
    $MLOPS_BENCH_PROJECT_VENV instead when that is set (quick.py shares one).
    """
    project = work / "bench-project"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    sh(
        [
            sys.executable,
            "-m",
            "generator",
            "new",
            "--defaults",
            "--no-git",
            "--set",
            f"use_case={use_case}",
            project,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    venv_dir = shared_project_venv() or work / "venv"
    make_setup(project, venv_dir)
    sh(["make", "train", f"VENV={venv_dir}"], cwd=project, stdout=subprocess.DEVNULL)
    return project, venv_dir


class Gunicorn:
    """gunicorn with the project's config, stopped by its process group id.

    Started means: it answers the example request with 200. Its stderr (gunicorn's
    error log, with any traceback from loading the app or the model) goes to a
    file that is printed when it does not get there.
    """

    def __init__(
        self, venv_dir: Path, project: Path, app: str, port: int, extra_env: dict, body: bytes
    ):
        self.app, self.port = app, port
        env = {
            **os.environ,
            "PORT": str(port),
            "HOST": "127.0.0.1",
            "MODEL_DIR": str(project / "models"),
            **extra_env,
        }
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # each server makes its own
        self.stderr = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (open while it runs)
        self.process = subprocess.Popen(
            [
                venv_dir / "bin" / "gunicorn",
                "--config",
                project / "gunicorn.conf.py",
                "--pythonpath",
                HERE,
                app,
            ],
            cwd=project,
            env=env,
            stdout=subprocess.DEVNULL,  # the access log: one line per request
            stderr=self.stderr,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while True:  # bounded polling of 127.0.0.1 only
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/predict",
                data=body,
                headers={"Content-Type": "application/json"},
            )
            try:
                with urllib.request.urlopen(request, timeout=5):
                    return  # 200: up, with its model loaded
            except urllib.error.HTTPError as answer:
                self.fail(f"answered the example request with {answer.code}: {answer.read()!r}")
            except OSError:
                if self.process.poll() is not None:
                    self.fail(f"exited with status {self.process.returncode} before answering")
                if time.monotonic() > deadline:
                    self.fail("did not answer within 120 s")
                time.sleep(0.3)

    def fail(self, problem: str) -> None:
        """Stop the server and exit with status 1, showing its stderr."""
        self.stop()
        self.stderr.seek(0)
        log = self.stderr.read().strip() or "(empty)"
        raise SystemExit(
            f"{self.app} did not start on 127.0.0.1:{self.port}: it {problem}\n"
            f"--- its stderr ---\n{log}\n--- end of its stderr ---"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)


def load(port: int, body: bytes, seconds: float, concurrency: int) -> list[float]:
    """Send `body` to /predict from `concurrency` threads for `seconds`; return latencies."""
    latencies: list[float] = []
    errors: list[str] = []
    stop_at = time.perf_counter() + seconds
    lock = threading.Lock()

    def client() -> None:
        mine = []
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            # A new connection per request, as most clients of a small service open one.
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                connection.request("POST", "/predict", body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                answer = response.read()
            except (OSError, http.client.HTTPException) as problem:
                errors.append(f"{type(problem).__name__}: {problem}")
                return
            finally:
                connection.close()
            if response.status != 200:
                errors.append(f"status {response.status}: {answer[:500]!r}")
                return
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"requests to 127.0.0.1:{port} failed: {errors[0]}")
    if not latencies:
        raise SystemExit(f"no request to 127.0.0.1:{port} completed in {seconds:g} s")
    return latencies


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--project", type=Path, help="a generated, trained project to reuse")
    parser.add_argument("--venv", type=Path, help="its virtualenv (with --project)")
    parser.add_argument("--use-case", default="churn")
    parser.add_argument("--seconds", type=float, default=5.0, help="per round and server")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--batch", type=int, default=20, help="records per batch request")
    parser.add_argument("--workers", default="2", help="WEB_CONCURRENCY for both servers")
    args = parse_args(parser, quick={"seconds": 0.5, "rounds": 1}, tools=("make",))
    if args.project and not args.venv:
        parser.error("--project needs --venv (the virtualenv the project is installed in)")

    with tempfile.TemporaryDirectory(prefix="bench-service-") as tmp:
        work = Path(tmp)
        if args.project:
            project, venv_dir = args.project.resolve(), args.venv.resolve()
        else:
            print("generating, installing and training a project (a few minutes)...")
            project, venv_dir = prepare(work, args.use_case)
        features = json.loads((project / "examples" / "request.json").read_text())["features"]
        package = next((project / "src").iterdir()).name
        bodies = {
            "single": json.dumps({"features": features}).encode(),
            f"batch of {args.batch}": json.dumps({"instances": [features] * args.batch}).encode(),
        }
        common = {"WEB_CONCURRENCY": args.workers}
        servers = {
            "baseline": (f"baseline_app:create_app({package!r})", {}),
            "service": (
                f"{package}.serving.app:create_app()",
                {"PREDICTION_LOG": str(work / "logs" / "predictions.jsonl")},
            ),
        }
        results: dict[tuple[str, str], list[float]] = {}
        started = {}
        try:
            for name, (app, extra) in servers.items():
                port = free_port()
                env = {**common, **extra}
                started[name] = (
                    Gunicorn(venv_dir, project, app, port, env, bodies["single"]),
                    port,
                )
            for scenario, body in bodies.items():
                for _server, port in started.values():
                    load(port, body, min(1.0, args.seconds), args.concurrency)  # warm up
                for _ in range(args.rounds):
                    for name, (_, port) in started.items():
                        results.setdefault((scenario, name), []).extend(
                            load(port, body, args.seconds, args.concurrency)
                        )
        finally:
            for server, _ in started.values():
                server.stop()

    duration = args.seconds * args.rounds
    print(
        f"\n# bench_service ({machine()})\n"
        f"{args.use_case} model, gunicorn.conf.py workers={args.workers}, "
        f"{args.concurrency} concurrent clients, {args.rounds} alternating rounds of "
        f"{args.seconds:g}s per server\n"
    )
    print(f"{'scenario':<14}{'server':<10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
    summary = {}
    for (scenario, name), latencies in results.items():
        rate = len(latencies) / duration
        p50, p99 = percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000
        summary[(scenario, name)] = (rate, p50, p99)
        print(f"{scenario:<14}{name:<10}{rate:>9.1f}{p50:>9.2f}{p99:>9.2f}")
    print("\nservice / baseline (throughput: higher is better; latency: lower is better)")
    for scenario in bodies:
        (rate_s, p50_s, p99_s), (rate_b, p50_b, p99_b) = (
            summary[(scenario, "service")],
            summary[(scenario, "baseline")],
        )
        print(
            f"  {scenario:<14} throughput {rate_s / rate_b:.2f}x   "
            f"p50 {p50_s / p50_b:.2f}x   p99 {p99_s / p99_b:.2f}x"
        )
    print()
    for scenario in bodies:
        ratio = summary[(scenario, "service")][0] / summary[(scenario, "baseline")][0]
        verdict = "met" if ratio >= GOAL else "NOT met"
        print(f"goal >= {GOAL:.2f}x baseline throughput, {scenario}: {ratio:.2f}x, {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
