"""`make gate`: may the newly trained model replace the one in production?

The quality gate in training checks a model against fixed thresholds. That
is not enough to deploy it: a model can clear every threshold and still be
worse than the model already serving. So before each deploy the pipeline
compares the two, in the usual words of MLOps:

    champion    the model in production, read from the live service's /model
    challenger  the model this commit trained, read from models/metadata.json

The challenger is refused when its score on `promotion.metric` is worse than
the champion's by more than `promotion.tolerance` (params.yaml). A small
tolerance lets through a retrain that only moved by noise; a real loss
stops the deploy with a message that gives both scores.

Three cases always pass or always need a person:
  - no champion (the first deploy: nothing is serving yet): passes;
  - the champion cannot be read, or has no score for the metric: refused,
    because "could not compare" must never mean "go ahead" silently;
  - a person who has looked at the numbers can override a refusal
    (`--override`, the deploy workflow's "override the gate" input); the
    decision is then printed and written to the job summary, so it is on
    record.

Both models are scored on the test split that `seed` and `split` in
params.yaml pick, so their scores are comparable while the data and those
settings stay the same. After changing the data, compare with care (and
override if the drop is expected).

Exit codes: 0 deploy, 1 refused (or the champion could not be read).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import load_params

PASSED, REFUSED = 0, 1


class GateError(RuntimeError):
    """The comparison cannot be made; the message says why."""


@dataclass
class Verdict:
    """The gate's decision, and the sentence that explains it."""

    deploy: bool
    message: str
    overridden: bool = False


def promotion_settings(params: dict[str, Any]) -> dict[str, Any]:
    """The `promotion:` section of params.yaml, checked."""
    settings = params.get("promotion")
    if not isinstance(settings, dict):
        raise GateError("params.yaml has no `promotion:` section (metric, tolerance)")
    missing = [name for name in ("metric", "tolerance", "higher_is_better") if name not in settings]
    if missing:
        raise GateError(f"params.yaml `promotion:` is missing {', '.join(missing)}")
    if float(settings["tolerance"]) < 0:
        raise GateError("params.yaml `promotion.tolerance` must be 0 or more")
    return settings


def read_champion(source: str, timeout: float = 60.0) -> dict[str, Any] | None:
    """The deployed model's metadata, or None when there is no deployed model.

    `source` is the service's base URL (its /model is read), a JSON file, or
    empty: the deploy workflow passes an empty value when no deploy has
    succeeded yet. The timeout is generous because a service that scales to
    zero first has to start (a cold start) before it answers.
    """
    if not source:
        return None
    if source.startswith(("http://", "https://")):
        url = source.rstrip("/") + "/model"
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:
                return json.load(response)
        except (urllib.error.URLError, OSError, ValueError) as problem:
            raise GateError(f"cannot read the champion's metrics from {url}: {problem}") from None
    try:
        return json.loads(Path(source).read_text(encoding="utf-8"))
    except (OSError, ValueError) as problem:
        raise GateError(f"cannot read the champion's metrics from {source}: {problem}") from None


def metric_of(metadata: dict[str, Any], metric: str, which: str) -> float:
    """The test score `metric` from a model's metadata; GateError if it has none."""
    value = (metadata.get("metrics") or {}).get(metric)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise GateError(
            f"the {which} has no test score for '{metric}' (params.yaml promotion.metric)"
        )
    return float(value)


def decide(
    champion: dict[str, Any] | None, challenger: dict[str, Any], settings: dict[str, Any]
) -> Verdict:
    """Compare the two models' scores; the first deploy (no champion) always passes."""
    metric = settings["metric"]
    tolerance = float(settings["tolerance"])
    new = metric_of(challenger, metric, "new model")
    if champion is None:
        return Verdict(True, f"first deploy: no model in production yet; new {metric} {new:.4f}")
    old = metric_of(champion, metric, "model in production")
    # How much worse the new model is; negative when it is better.
    loss = (old - new) if settings["higher_is_better"] else (new - old)
    versions = (
        f"new model {challenger.get('model_version', '?')} {metric} {new:.4f}, "
        f"production model {champion.get('model_version', '?')} {old:.4f}"
    )
    # A hair of slack for rounding: metrics are stored with 4 decimals.
    if loss <= tolerance + 1e-9:
        change = "better" if loss < 0 else ("equal" if loss == 0 else "within tolerance")
        return Verdict(True, f"deploy: {versions} ({change}; tolerance {tolerance})")
    return Verdict(
        False,
        f"refused: {versions}: worse by {loss:.4f}, more than the tolerance {tolerance} "
        "(params.yaml promotion.tolerance). Improve the model, or, if the drop is expected "
        "(e.g. new data), run the deploy by hand with 'override the gate'.",
    )


def write_job_summary(verdict: Verdict) -> None:
    """Put the decision on the CI run's summary page (GitHub sets GITHUB_STEP_SUMMARY)."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    heading = "Champion/challenger gate"
    if verdict.overridden:
        actor = os.environ.get("GITHUB_ACTOR", "a person")
        heading += f": OVERRIDDEN by {actor}"
    with open(path, "a", encoding="utf-8") as summary:
        summary.write(f"### {heading}\n\n{verdict.message}\n\n")


def cmd_gate(args: argparse.Namespace) -> int:
    """Run the gate; return the exit code (see the top of this module)."""
    try:
        settings = promotion_settings(load_params(args.params))
        challenger = json.loads(Path(args.challenger).read_text(encoding="utf-8"))
        champion = read_champion(args.champion, timeout=args.timeout)
        verdict = decide(champion, challenger, settings)
    except (GateError, OSError, ValueError) as problem:
        verdict = Verdict(False, f"refused: {problem}")
    if not verdict.deploy and args.override:
        verdict = Verdict(
            True, f"{verdict.message}\nOverridden by hand: deploying anyway.", overridden=True
        )
    print(f"gate: {verdict.message}", file=sys.stdout if verdict.deploy else sys.stderr)
    write_job_summary(verdict)
    return PASSED if verdict.deploy else REFUSED


def add_command(commands) -> None:
    """Register `gate` on the package's command line (__main__.py)."""
    p = commands.add_parser("gate", help="may the new model replace the deployed one?")
    p.add_argument(
        "--champion",
        default="",
        help="the deployed service's URL (its /model is read) or a metadata JSON file; "
        "empty: nothing deployed yet",
    )
    p.add_argument("--challenger", default="models/metadata.json")
    p.add_argument("--params", default="params.yaml")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for /model")
    p.add_argument("--override", action="store_true", help="deploy even if refused (on record)")
    p.set_defaults(run=cmd_gate)
