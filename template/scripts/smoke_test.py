"""Smoke test a running service: wait for /health, then POST examples/request.json.

Standard library only, so it runs before (or without) `make setup`:

    python3 scripts/smoke_test.py http://127.0.0.1:8080
"""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "request.json"


def wait_for_health(base_url: str, timeout: float = 60.0) -> None:
    """Poll /health until it answers 200 or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"{base_url}/health did not answer within {timeout:.0f}s")
        time.sleep(0.5)


def predict(base_url: str) -> dict:
    request = urllib.request.Request(
        f"{base_url}/predict",
        data=EXAMPLE.read_bytes(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def main() -> int:
    base_url = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080").rstrip("/")
    wait_for_health(base_url)
    result = predict(base_url)
    if "prediction" not in result or "model_version" not in result:
        print(f"unexpected /predict answer: {result}", file=sys.stderr)
        return 1
    print(f"OK: /health answered; /predict returned {json.dumps(result)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
