"""``lupus-sct evidence``: list the evidence table and pool studies (meta-analysis)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from lupus_sct.analytics.meta_analysis import (
    Measure,
    MetaAnalysisResult,
    Model,
    PredictionInterval,
    render_forest_plot,
)
from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError
from lupus_sct.domain.errors import DomainError
from lupus_sct.domain.evidence import MEMORY_CAUTION, EvidenceRow
from lupus_sct.interop.meta_analysis_tables import read_meta_analysis_table
from lupus_sct.services.errors import ServiceError
from lupus_sct.services.evidence import (
    EvidencePool,
    PoolingOptions,
    load_evidence,
    pool_effect_table,
    pool_evidence,
    select_evidence,
)

app = typer.Typer(
    help="The evidence base: list published results and pool them (meta-analysis).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command("list")
def list_rows(
    therapy: Annotated[str | None, typer.Option(help="Therapy contains this text.")] = None,
    outcome: Annotated[str | None, typer.Option(help="Outcome code, e.g. remission.")] = None,
) -> None:
    """List evidence rows (tab-separated); recalled rows carry a caution."""
    try:
        rows = select_evidence(load_evidence(), therapy=therapy, outcome=outcome)
    except (DomainError, ServiceError) as exc:
        raise CliError(str(exc), EXIT_INVALID_INPUT) from exc
    typer.echo("study_id\ttherapy\toutcome\ttimepoint_months\tresult\tprovenance\tflags")
    for row in rows:
        typer.echo(_row_line(row))


def _row_line(row: EvidenceRow) -> str:
    if row.events is not None and row.total is not None:
        result = f"{row.events}/{row.total}"
    else:
        result = "" if row.estimate is None else f"{row.estimate:g}"
    flags = []
    if row.needs_caution:
        flags.append(f"CAUTION: {MEMORY_CAUTION}")
    if row.needs_verification:
        flags.append("verify identifiers before citing")
    if not row.is_analysable:
        flags.append("no data; never analysed")
    timepoint = "" if row.timepoint_months is None else f"{row.timepoint_months:g}"
    fields = (row.study_id, row.therapy, row.outcome, timepoint, result, row.provenance.value)
    return "\t".join((*fields, "; ".join(flags)))


@app.command()
def pool(
    data: Annotated[
        Path | None, typer.Argument(metavar="DATA", help="CSV with metafor column names.")
    ] = None,
    measure: Annotated[Measure, typer.Option(help="Effect-size measure.")] = Measure.GEN,
    model: Annotated[Model, typer.Option(help="FE or the tau^2 estimator.")] = Model.REML,
    hk: Annotated[bool, typer.Option("--hk", help="Hartung-Knapp adjustment.")] = False,
    pi: Annotated[
        PredictionInterval | None,
        typer.Option("--pi", help="Prediction interval: normal, t (k-1 df) or t-k2 (k-2 df)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the JSON here (default: stdout).")
    ] = None,
    therapy: Annotated[str | None, typer.Option(help="Pool store rows of this therapy.")] = None,
    outcome: Annotated[str | None, typer.Option(help="Pool store rows of this outcome.")] = None,
    timepoint: Annotated[
        float | None, typer.Option(help="Only store rows at this timepoint (months).")
    ] = None,
    exclude_study: Annotated[
        list[str] | None, typer.Option(help="Leave this study out (repeatable).")
    ] = None,
    exclude_memory: Annotated[
        bool, typer.Option("--exclude-memory", help="Leave out rows recalled from memory.")
    ] = False,
    forest: Annotated[Path | None, typer.Option(help="Write a forest plot (SVG) here.")] = None,
) -> None:
    """Pool DATA, or store rows chosen with --therapy and --outcome, and print the JSON."""
    options = PoolingOptions(measure, model, hk, pi)
    try:
        if data is not None:
            table = read_meta_analysis_table(data, measure)
            pooled = pool_effect_table(table.columns, options)
            labels, cautions = list(table.labels), [False] * pooled.effects.k
        else:
            pooled = _pool_store(
                options, therapy, outcome, timepoint, exclude_study or [], exclude_memory
            )
            labels = [_store_label(row) for row in pooled.rows]
            cautions = [row.needs_caution for row in pooled.rows]
    except (DomainError, ServiceError) as exc:
        raise CliError(str(exc), EXIT_INVALID_INPUT) from exc
    _report_store_notes(pooled)
    if forest is not None:
        svg = render_forest_plot(pooled.effects, pooled.result, labels, cautions=cautions)
        forest.write_text(svg, encoding="utf-8")
    text = json.dumps(result_json(pooled.result), indent=2)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")


def _pool_store(
    options: PoolingOptions,
    therapy: str | None,
    outcome: str | None,
    timepoint: float | None,
    exclude_study: list[str],
    exclude_memory: bool,
) -> EvidencePool:
    if therapy is None or outcome is None:
        raise CliError("pool needs DATA, or both --therapy and --outcome", EXIT_INVALID_INPUT)
    rows = select_evidence(load_evidence(), therapy=therapy, outcome=outcome)
    return pool_evidence(
        rows,
        options,
        timepoint_months=timepoint,
        exclude_studies=exclude_study,
        exclude_memory=exclude_memory,
    )


def _store_label(row: EvidenceRow) -> str:
    return f"{row.first_author} {row.year} ({row.events}/{row.total})"


def _report_store_notes(pooled: EvidencePool) -> None:
    for item in pooled.excluded:
        typer.echo(f"excluded: {item.row.study_id} {item.row.outcome}: {item.reason}", err=True)
    for line in pooled.cautions:
        typer.echo(f"caution: {line}", err=True)


def result_json(result: MetaAnalysisResult) -> dict[str, Any]:
    """The documented output keys (issue 7, item 3); weights are percentages, as metafor's."""
    natural = result.back_transformed
    return {
        "k": result.k,
        "estimate": result.estimate,
        "se": result.se,
        "z": result.z,
        "p": result.p,
        "ci_lower": result.ci_lower,
        "ci_upper": result.ci_upper,
        "tau2": result.tau2,
        "tau": result.tau,
        "i2": result.i2,
        "h2": result.h2,
        "q": result.q,
        "q_df": result.q_df,
        "q_p": result.q_p,
        "pi_lower": result.pi_lower,
        "pi_upper": result.pi_upper,
        "back_transformed": None
        if natural is None
        else {
            "estimate": natural.estimate,
            "ci_lower": natural.ci_lower,
            "ci_upper": natural.ci_upper,
            "pi_lower": natural.pi_lower,
            "pi_upper": natural.pi_upper,
        },
        "studies": [{"yi": s.yi, "vi": s.vi, "weight": s.weight} for s in result.studies],
    }
