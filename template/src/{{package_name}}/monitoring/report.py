"""Write the drift report: one HTML page to look at, JSON and Markdown to act on.

- report.html: a summary table and, for every drifted column (and always for
  the predictions), a plot of the training data against the logged requests.
  The plots are PNG images embedded in the page (base64), so the report is
  one file you can open, attach to an issue or upload as a CI artefact.
- summary.json: the same numbers for programs (the scheduled workflow).
- summary.md: the table as Markdown, for a GitHub issue or job summary.

Column names and categories come from the data and may hold any text
(quotes, `<`, `|`, `$`), so each output escapes them its own way: HTML with
html.escape, Markdown with `markdown_code`, the plots with `plot_text`.
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

from .drift import checked_columns, missing_text  # noqa: E402

REFERENCE_COLOUR, CURRENT_COLOUR = "#4c72b0", "#dd8452"


def plot_text(text: str) -> str:
    """Text for a plot, shown as written: matplotlib reads $...$ as a formula."""
    return text.replace("$", r"\$")


def markdown_code(text: str, in_table: bool = False) -> str:
    """`text` as inline code, shown exactly as written.

    A backtick inside would end the code span early, so such text gets a
    double-backtick fence. In a table a `|` would start a new cell, even in
    code, so there it is escaped.
    """
    text = " ".join(text.split())  # a line break would end the line (or the table row)
    if in_table:
        text = text.replace("|", "\\|")
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def draw_numeric(ax, reference: dict[str, Any], values: list) -> None:
    """Two overlaid histograms on the same bins: training sample and logged values."""
    training = np.asarray(reference["sample"], dtype=float)
    logged = np.asarray(values, dtype=float)
    edges = np.histogram_bin_edges(np.concatenate([training, logged]), bins=30)
    for data, colour, label in (
        (training, REFERENCE_COLOUR, f"training (mean {training.mean():.3g})"),
        (logged, CURRENT_COLOUR, f"logged requests (mean {logged.mean():.3g})"),
    ):
        ax.hist(data, bins=edges, density=True, alpha=0.55, color=colour, label=label)
    ax.set_ylabel("density")


def draw_categorical(ax, check: dict[str, Any], reference: dict[str, Any]) -> None:
    """Side-by-side bars: each category's share in training and in the logged requests."""
    names = list(check["reference_shares"])
    x = np.arange(len(names))
    training = [check["reference_shares"][name] for name in names]
    logged = [check["current_shares"][name] for name in names]
    ax.bar(x - 0.2, training, 0.4, color=REFERENCE_COLOUR, label="training")
    ax.bar(x + 0.2, logged, 0.4, color=CURRENT_COLOUR, label="logged requests")
    labels = reference.get("labels", {})  # class names of predictions, if any
    ticks = [f"{name} ({labels[name]})" if name in labels else name for name in names]
    ax.set_xticks(x, [plot_text(tick) for tick in ticks], rotation=20 if len(names) > 4 else 0)
    ax.set_ylabel("share of rows")


def plot_column(check: dict[str, Any], reference: dict[str, Any], values: list) -> str:
    """A PNG (base64) of one column: training data against logged requests."""
    fig, ax = plt.subplots(figsize=(7, 3.4), dpi=100)
    if check["kind"] == "numeric":
        draw_numeric(ax, reference, values)
    else:
        draw_categorical(ax, check, reference)
    ax.set_title(
        plot_text(check["name"])
        + f": PSI {check['psi']:.3f}, {check['test']} p-value {check['p_value']:.2g}"
    )
    ax.legend()
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)  # figures stay in memory until closed
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def markdown(summary: dict[str, Any]) -> str:
    """The summary table as Markdown (GitHub issues and job summaries render it)."""
    verdict = (
        f"**Drift detected** in: {', '.join(markdown_code(n) for n in summary['drifted'])}"
        if summary["drift"]
        else "No drift detected."
    )
    checks = checked_columns(summary)
    # A "missing" column only when some column has gaps (optional features).
    show_missing = any(missing_text(row) for row in checks)
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
        "| column | test | PSI | statistic | p-value |"
        + (" missing (training → logged) |" if show_missing else "")
        + " result |",
        "|---|---|---:|---:|---:|" + ("---|" if show_missing else "") + "---|",
    ]
    for row in checks:
        result = "**drift**: " + row["reason"] if row["drifted"] else "ok"
        missing = f" {missing_text(row).replace('->', '→')} |" if show_missing else ""
        lines.append(
            f"| {markdown_code(row['name'], in_table=True)} | {row['test']} | {row['psi']:.3f} "
            f"| {row['statistic']:.3f} | {row['p_value']:.2g} |{missing} {result} |"
        )
    # Warnings quote column names: escaped so that a name like "<b>" stays text.
    lines += [""] + [f"- warning: {html.escape(w, quote=False)}" for w in summary["warnings"]]
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
<th>mean (training &rarr; logged)</th><th>missing (training &rarr; logged)</th>
<th>result</th></tr></thead>
<tbody>
$table
</tbody>
</table>
<h2>Plots</h2>
$plots
</body>
</html>
""")


def table_row(check: dict[str, Any]) -> str:
    """One <tr> of the summary table; drifted rows get the "drift" class (red)."""
    means = (
        f"{check['reference_mean']:.4g} &rarr; {check['current_mean']:.4g}"
        if check["reference_mean"] is not None
        else ""
    )
    missing = html.escape(missing_text(check)).replace("-&gt;", "&rarr;")
    result = "<b>drift</b>: " + html.escape(check["reason"]) if check["drifted"] else "ok"
    return (
        f'<tr class="{"drift" if check["drifted"] else "ok"}">'
        f"<td><code>{html.escape(check['name'])}</code></td><td>{check['test']}</td>"
        f'<td class="num">{check["psi"]:.3f}</td><td class="num">{check["statistic"]:.3f}</td>'
        f'<td class="num">{check["p_value"]:.2g}</td><td>{means}</td><td>{missing}</td>'
        f"<td>{result}</td></tr>"
    )


def figure(check: dict[str, Any], reference: dict[str, Any], values: list) -> str:
    """A <figure> with the column's plot embedded as a base64 PNG."""
    column_reference = (
        reference["prediction"]
        if check["name"] == "prediction"
        else reference["features"][check["name"]]
    )
    image = plot_column(check, column_reference, values)
    name = html.escape(check["name"])
    caption = "drifted" if check["drifted"] else "no drift"
    return (
        f'<figure><img alt="{name}: training vs logged requests" '
        f'src="data:image/png;base64,{image}">'
        f"<figcaption>{name} ({caption})</figcaption></figure>"
    )


def render_html(summary: dict[str, Any], reference: dict[str, Any], columns: dict) -> str:
    """The whole report as one HTML page with embedded plots.

    Every drifted column is plotted, and the predictions always are: they are
    the first place a problem shows, even when no single feature drifted.
    """
    checks = checked_columns(summary)
    plots = [
        figure(check, reference, columns[check["name"]])
        for check in checks
        if check["drifted"] or check["name"] == "prediction"
    ]
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
        checks=len(checks),
        corrupt=log["corrupt_lines"],
        blank=log["blank_lines"],
        warnings="".join(f"<p>Warning: {html.escape(w)}</p>" for w in summary["warnings"]),
        table="\n".join(table_row(check) for check in checks),
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
