"""``lupus-sct analyse``: survival analyses of a CSV or Parquet table, written as JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from lupus_sct.analytics.survival import (
    CifVariance,
    CiScale,
    Ties,
    cox_ph,
    cumulative_incidence,
    gray_test,
    kaplan_meier,
    logrank_test,
)
from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError
from lupus_sct.domain.errors import DomainError
from lupus_sct.interop.analysis_tables import (
    AnalysisTable,
    UnusableTableError,
    analysis_table,
    read_table,
)
from lupus_sct.interop.spreadsheet_safe import neutralise_cell

app = typer.Typer(
    help="Survival analyses for analysts: Kaplan-Meier, cumulative incidence, log-rank, Cox.",
    no_args_is_help=True,
)


SETTINGS = frozenset(
    {
        "analysis",
        "ci",
        "conf",
        "variance",
        "ties",
        "group_column",
        "excluded_rows_with_missing_values",
    }
)


class OutputFormat(StrEnum):
    """How the result is written."""

    JSON = "json"
    CSV = "csv"


Data = Annotated[Path, typer.Argument(metavar="DATA", help="A .csv or .parquet file.")]
TimeColumn = Annotated[str, typer.Option("--time", help="Column of follow-up times (>= 0).")]
EventColumn = Annotated[
    str, typer.Option("--event", help="Column of event flags: 1/true event, 0/false censored.")
]
EventValue = Annotated[
    str | None,
    typer.Option("--event-value", help="The value of --event that means an event (e.g. 2)."),
]
GroupColumn = Annotated[str | None, typer.Option("--group", help="Column of group labels.")]
Conf = Annotated[float, typer.Option("--conf", help="Confidence level, between 0 and 1.")]
Output = Annotated[
    Path | None, typer.Option("-o", "--output", help="Write here instead of standard output.")
]
Format = Annotated[OutputFormat, typer.Option("--format", help="json (default) or csv.")]


@app.command("km")
def km(
    data: Data,
    time: TimeColumn,
    event: EventColumn,
    group: GroupColumn = None,
    ci: Annotated[CiScale, typer.Option("--ci", help="Scale of the limits.")] = CiScale.LOG_LOG,
    conf: Conf = 0.95,
    event_value: EventValue = None,
    output: Output = None,
    output_format: Format = OutputFormat.JSON,
) -> None:
    """Kaplan-Meier survival per group, with Greenwood standard errors and the median."""
    with _input_errors():
        table = _load(data, time=time, event=event, event_value=event_value, group=group)
        groups = []
        for index, label in enumerate(table.groups):
            rows = table.rows_of(index)
            fit = kaplan_meier(table.time[rows], table.outcome[rows], ci=ci, conf_level=conf)
            median = fit.median
            columns = ("time", "n_risk", "n_event", "n_censor", "survival", "std_err")
            groups.append(
                {
                    "group": label if group else None,
                    "n": fit.n,
                    "events": fit.events,
                    "median": median.time,
                    "median_ci": [median.ci_lower, median.ci_upper],
                    "table": _rows(fit, (*columns, "ci_lower", "ci_upper")),
                }
            )
    result = {"analysis": "kaplan-meier", "ci": str(ci), "conf": conf, **_header(table, group)}
    _emit({**result, "groups": groups}, output, output_format, ("groups", "table"))


@app.command("cif")
def cif(
    data: Data,
    time: TimeColumn,
    status: Annotated[
        str, typer.Option("--status", help="Column of status: 0 censored, other values a cause.")
    ],
    group: GroupColumn = None,
    variance: Annotated[
        CifVariance, typer.Option("--variance", help="aalen (cmprsk) or delta (lifelines).")
    ] = CifVariance.AALEN,
    ci: Annotated[CiScale, typer.Option("--ci", help="Scale of the limits.")] = CiScale.LOG_LOG,
    conf: Conf = 0.95,
    output: Output = None,
    output_format: Format = OutputFormat.JSON,
) -> None:
    """Aalen-Johansen cumulative incidence per group and cause; Gray's test with --group."""
    with _input_errors():
        table = _load(data, time=time, status=status, group=group)
        groups = []
        for index, label in enumerate(table.groups):
            rows = table.rows_of(index)
            fit = cumulative_incidence(
                table.time[rows], table.outcome[rows], variance=variance, ci=ci, conf_level=conf
            )
            columns = ("time", "n_risk", "n_event", "cif", "std_err", "ci_lower", "ci_upper")
            causes = [
                {"cause": curve.cause, "events": curve.events, "table": _rows(curve, columns)}
                for curve in fit.causes
            ]
            groups.append({"group": label if group else None, "n": fit.n, "causes": causes})
        result: dict[str, Any] = {"analysis": "cumulative-incidence", "variance": str(variance)}
        result |= {"ci": str(ci), "conf": conf, **_header(table, group), "groups": groups}
        if group:
            result["gray_tests"] = [
                _fields(gray_test(table.time, table.outcome, table.group_index, cause=cause))
                for cause in sorted({int(c) for c in np.unique(table.outcome) if c > 0})
            ]
    _emit(result, output, output_format, ("groups", "causes", "table"))


@app.command("logrank")
def logrank(
    data: Data,
    time: TimeColumn,
    event: EventColumn,
    group: Annotated[str, typer.Option("--group", help="Column of group labels.")],
    event_value: EventValue = None,
    output: Output = None,
    output_format: Format = OutputFormat.JSON,
) -> None:
    """Log-rank test across the groups: observed and expected events, chi-square, df, p."""
    with _input_errors():
        table = _load(data, time=time, event=event, event_value=event_value, group=group)
        test = logrank_test(table.time, table.outcome, table.group_index)
    groups = [
        {"group": table.groups[g.group], "n": g.n, "observed": g.observed, "expected": g.expected}
        for g in test.groups
    ]
    result = {"analysis": "logrank", **_header(table, group), "groups": groups}
    result |= {"chisq": test.chisq, "df": test.df, "p": test.p}
    _emit(result, output, output_format, ("groups",))


@app.command("cox")
def cox(
    data: Data,
    time: TimeColumn,
    event: EventColumn,
    covariates: Annotated[
        str, typer.Option("--covariates", help="Numeric covariate columns, comma-separated.")
    ],
    ties: Annotated[Ties, typer.Option("--ties", help="efron (default) or breslow.")] = Ties.EFRON,
    conf: Conf = 0.95,
    event_value: EventValue = None,
    output: Output = None,
    output_format: Format = OutputFormat.JSON,
) -> None:
    """Cox proportional hazards: hazard ratios with limits, log-likelihood and the three tests."""
    names = tuple(name.strip() for name in covariates.split(",") if name.strip())
    with _input_errors():
        if not names:
            raise UnusableTableError("--covariates names no column")
        table = _load(data, time=time, event=event, event_value=event_value, covariates=names)
        model = cox_ph(
            table.time, table.outcome, table.covariates, names, ties=ties, conf_level=conf
        )
    coefficients = [{"covariate": c.name, **_fields(c, skip=("name",))} for c in model.coefficients]
    result = {"analysis": "cox", "ties": str(ties), "conf": conf, **_header(table, None)}
    result |= {"n": model.n, "events": model.events, "coefficients": coefficients}
    result |= {"loglik": model.loglik, "loglik_null": model.loglik_null}
    result["tests"] = {
        "likelihood_ratio": _fields(model.likelihood_ratio),
        "wald": _fields(model.wald),
        "score": _fields(model.score),
    }
    _emit(result, output, output_format, ("coefficients",))


@contextmanager
def _input_errors() -> Iterator[None]:
    """Turn a table or domain error into a one-line CLI error with exit code 2."""
    try:
        yield
    except (UnusableTableError, DomainError) as exc:
        raise CliError(str(exc), EXIT_INVALID_INPUT) from exc


def _load(data: Path, **columns: Any) -> AnalysisTable:
    return analysis_table(read_table(data), **columns)


def _header(table: AnalysisTable, group: str | None) -> dict[str, Any]:
    return {"group_column": group, "excluded_rows_with_missing_values": table.excluded_missing}


def _rows(curve: object, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    arrays = [getattr(curve, name).tolist() for name in columns]
    return [dict(zip(columns, values, strict=True)) for values in zip(*arrays, strict=True)]


def _fields(result: object, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    names = [name for name in vars(result) if name not in skip]
    return {name: _plain(getattr(result, name)) for name in names}


def _plain(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return str(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def _emit(
    result: dict[str, Any], output: Path | None, fmt: OutputFormat, path: tuple[str, ...]
) -> None:
    plain = _plain(result)
    if fmt is OutputFormat.CSV:
        text = _as_csv(plain, path)
    else:
        text = json.dumps(plain, indent=2, allow_nan=False)
    if output is None:
        typer.echo(text)
        return
    try:
        output.write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write {output}: {exc.strerror}", EXIT_INVALID_INPUT) from exc


def _as_csv(result: dict[str, Any], path: tuple[str, ...]) -> str:
    """One CSV row per innermost row along ``path``, with its parents' scalar fields.

    Top-level fields other than the settings (for example a test's chisq, df and p) are repeated
    on every row; nested objects (Cox's three tests, Gray's tests) are only in the JSON. Group
    labels come from the analyst's file, so every cell a spreadsheet would run as a formula is
    written as text (:func:`~lupus_sct.interop.spreadsheet_safe.neutralise_cell`).
    """
    rows: list[dict[str, Any]] = []

    def walk(node: dict[str, Any], depth: int, context: dict[str, Any]) -> None:
        scalars = {k: v for k, v in node.items() if not isinstance(v, list | dict)}
        for key, value in node.items():
            if isinstance(value, list) and len(value) == 2 and not isinstance(value[0], dict):
                scalars[f"{key}_lower"], scalars[f"{key}_upper"] = value
        if depth == 0:
            scalars = {k: v for k, v in scalars.items() if k not in SETTINGS}
        here = {**context, **scalars}
        if depth == len(path):
            rows.append(here)
            return
        for child in node[path[depth]]:
            walk(child, depth + 1, here)

    walk(result, 0, {})
    buffer = io.StringIO()
    fields = list(dict.fromkeys(key for row in rows for key in row))
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: neutralise_cell(value) for key, value in row.items()} for row in rows)
    return buffer.getvalue()
