"""Write the drift report: one HTML page to look at, JSON and Markdown to act on.

- report.html: a summary table and, for every drifted column (and always for
  the predictions), a plot of the training data against the logged requests.
  The plots are PNG images embedded in the page (base64), so the report is
  one file you can open, attach to an issue or upload as a CI artefact.
- summary.json: the same numbers for programs (the scheduled workflow).
- summary.md: the table as Markdown, for a GitHub issue or job summary.
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path
from string import Template
from typing import Any

import matplotlib

matplotlib.use("Agg")  # draw to files only: no window, works on servers and in CI
import matplotlib.pyplot as plt  # noqa: E402 - must come after choosing the backend
import numpy as np  # noqa: E402

REFERENCE_COLOUR, CURRENT_COLOUR = "#4c72b0", "#dd8452"


def plot_column(check: dict[str, Any], reference: dict[str, Any], values: list) -> str:
    """A PNG (base64) of one column: training data against logged requests."""
    fig, ax = plt.subplots(figsize=(7, 3.4), dpi=100)
    if check["kind"] == "numeric":
        ref = np.asarray(reference["sample"], dtype=float)
        cur = np.asarray(values, dtype=float)
        edges = np.histogram_bin_edges(np.concatenate([ref, cur]), bins=30)
        ax.hist(
            ref,
            bins=edges,
            density=True,
            alpha=0.55,
            color=REFERENCE_COLOUR,
            label=f"training (mean {ref.mean():.3g})",
        )
        ax.hist(
            cur,
            bins=edges,
            density=True,
            alpha=0.55,
            color=CURRENT_COLOUR,
            label=f"logged requests (mean {cur.mean():.3g})",
        )
        ax.set_ylabel("density")
    else:
        names = list(check["reference_shares"])
        x = np.arange(len(names))
        ax.bar(
            x - 0.2,
            [check["reference_shares"][n] for n in names],
            0.4,
            color=REFERENCE_COLOUR,
            label="training",
        )
        ax.bar(
            x + 0.2,
            [check["current_shares"][n] for n in names],
            0.4,
            color=CURRENT_COLOUR,
            label="logged requests",
        )
        labels = reference.get("labels", {})  # class names of predictions, if any
        ticks = [f"{n} ({labels[n]})" if n in labels else n for n in names]
        ax.set_xticks(x, ticks, rotation=20 if len(names) > 4 else 0)
        ax.set_ylabel("share of rows")
    ax.set_title(
        f"{check['name']}: PSI {check['psi']:.3f}, {check['test']} p-value {check['p_value']:.2g}"
    )
    ax.legend()
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    return summary["features"] + ([summary["prediction"]] if summary["prediction"] else [])


def markdown(summary: dict[str, Any]) -> str:
    """The summary table as Markdown (GitHub issues and job summaries render it)."""
    verdict = (
        f"**Drift detected** in: {', '.join(f'`{n}`' for n in summary['drifted'])}"
        if summary["drift"]
        else "No drift detected."
    )
    log = summary["log"]
    lines = [
        "## Drift check",
        "",
        verdict,
        "",
        f"{log['rows_compared']} logged request(s) compared with the training data of model "
        f"`{summary['model_version']}` on {summary['checked_at']}; "
        f"{log['corrupt_lines']} corrupt line(s) skipped.",
        "",
        "| column | test | PSI | statistic | p-value | result |",
        "|---|---|---:|---:|---:|---|",
    ]
    for row in _rows(summary):
        result = "**drift**: " + row["reason"] if row["drifted"] else "ok"
        lines.append(
            f"| `{row['name']}` | {row['test']} | {row['psi']:.3f} | {row['statistic']:.3f} "
            f"| {row['p_value']:.2g} | {result} |"
        )
    lines += [""] + [f"- warning: {w}" for w in summary["warnings"]]
    return "\n".join(lines).rstrip() + "\n"


# string.Template ($name placeholders) keeps the CSS braces readable.
PAGE = Template("""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Drift report - model $version</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto;
         padding: 0 1rem; color: #222; }
  table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
  th, td { border-bottom: 1px solid #ddd; padding: .4rem .6rem; text-align: left; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  tr.drift td { background: #fdecea; }
  .verdict { font-size: 1.2rem; padding: .6rem 1rem; border-radius: .4rem; }
  .verdict.drift { background: #fdecea; } .verdict.ok { background: #e8f5e9; }
  img { max-width: 100%; }
  .muted { color: #666; font-size: .9rem; }
</style>
</head>
<body>
<h1>Drift report</h1>
<p class="verdict $verdict_class">$verdict</p>
<p class="muted">$rows logged request(s) compared with the training data of model
<code>$version</code>, checked at $checked_at. A column drifts when PSI &ge; $psi_threshold
or its test's p-value &lt; $alpha ($p_value split over $checks checks).
Skipped: $corrupt corrupt and $blank blank log line(s).
What PSI, KS and chi-square mean, and what to do next: docs/monitoring.md.</p>
$warnings
<h2>Summary</h2>
<table>
<thead><tr><th>column</th><th>test</th><th>PSI</th><th>statistic</th><th>p-value</th>
<th>mean (training &rarr; logged)</th><th>result</th></tr></thead>
<tbody>
$table
</tbody>
</table>
<h2>Plots</h2>
$plots
</body>
</html>
""")


def render_html(summary: dict[str, Any], reference: dict[str, Any], columns: dict) -> str:
    """The whole report as one HTML page with embedded plots."""
    table, plots = [], []
    for row in _rows(summary):
        means = (
            f"{row['reference_mean']:.4g} &rarr; {row['current_mean']:.4g}"
            if row["reference_mean"] is not None
            else ""
        )
        result = "<b>drift</b>: " + html.escape(row["reason"]) if row["drifted"] else "ok"
        table.append(
            f'<tr class="{"drift" if row["drifted"] else "ok"}">'
            f"<td><code>{html.escape(row['name'])}</code></td><td>{row['test']}</td>"
            f'<td class="num">{row["psi"]:.3f}</td><td class="num">{row["statistic"]:.3f}</td>'
            f'<td class="num">{row["p_value"]:.2g}</td><td>{means}</td><td>{result}</td></tr>'
        )
        if row["drifted"] or row["name"] == "prediction":
            summary_of = (
                reference["prediction"]
                if row["name"] == "prediction"
                else reference["features"][row["name"]]
            )
            image = plot_column(row, summary_of, columns[row["name"]])
            caption = "drifted" if row["drifted"] else "no drift"
            plots.append(
                f'<figure><img alt="{html.escape(row["name"])}: training vs logged requests" '
                f'src="data:image/png;base64,{image}">'
                f"<figcaption>{html.escape(row['name'])} ({caption})</figcaption></figure>"
            )
    warnings = "".join(f"<p>Warning: {html.escape(w)}</p>" for w in summary["warnings"])
    settings, log = summary["settings"], summary["log"]
    return PAGE.substitute(
        version=html.escape(str(summary["model_version"])),
        verdict_class="drift" if summary["drift"] else "ok",
        verdict=(
            "Drift detected in: " + ", ".join(html.escape(n) for n in summary["drifted"])
            if summary["drift"]
            else "No drift detected."
        ),
        rows=log["rows_compared"],
        checked_at=summary["checked_at"],
        psi_threshold=settings["psi_threshold"],
        alpha=f"{settings['p_value_per_check']:.2g}",
        p_value=settings["p_value"],
        checks=len(_rows(summary)),
        corrupt=log["corrupt_lines"],
        blank=log["blank_lines"],
        warnings=warnings,
        table="\n".join(table),
        plots="\n".join(plots) or "<p>No drifted columns to plot.</p>",
    )


def write_reports(
    summary: dict[str, Any], reference: dict[str, Any], columns: dict, directory: str | Path
) -> dict[str, Path]:
    """Write report.html, summary.json and summary.md into `directory`."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {
        "html": directory / "report.html",
        "json": directory / "summary.json",
        "markdown": directory / "summary.md",
    }
    paths["html"].write_text(render_html(summary, reference, columns), encoding="utf-8")
    paths["json"].write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    paths["markdown"].write_text(markdown(summary), encoding="utf-8")
    return paths
