"""``lupus-sct evidence``: list, add and edit evidence rows, and pool studies (meta-analysis)."""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from lupus_sct.analytics.meta_analysis import (
    Measure,
    MetaAnalysisResult,
    Model,
    PredictionInterval,
)
from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError, open_platform
from lupus_sct.domain.errors import DomainError
from lupus_sct.domain.evidence.records import EvidenceRecord
from lupus_sct.domain.evidence.studies import MEMORY_CAUTION, EvidenceRow
from lupus_sct.interop.meta_analysis_tables import read_meta_analysis_table
from lupus_sct.rendering.forest_plot import render_forest_plot
from lupus_sct.services.errors import ServiceError
from lupus_sct.services.evidence import records as evidence_records
from lupus_sct.services.evidence.studies import (
    EvidencePool,
    PoolingOptions,
    evidence_in_use,
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
        rows = select_evidence(_evidence(), therapy=therapy, outcome=outcome)
    except (DomainError, ServiceError) as exc:
        raise CliError(str(exc), EXIT_INVALID_INPUT) from exc
    typer.echo("study_id\ttherapy\toutcome\ttimepoint_months\tresult\tprovenance\tflags")
    for row in rows:
        typer.echo(_row_line(row))


def _evidence() -> tuple[EvidenceRow, ...]:
    """The stored rows of a database at the newest schema that holds any, else the shipped table."""
    with open_platform() as platform:
        current, newest = platform.schema_status()
        if current is None or current != newest:
            return load_evidence()
        return evidence_in_use(platform.uow())


def actor() -> str:
    """The writer of CLI changes: ``cli:`` and the operating-system user name."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return f"cli:{name}"


@contextmanager
def _one_line_errors() -> Iterator[None]:
    try:
        yield
    except (DomainError, ServiceError) as exc:
        raise CliError(str(exc), EXIT_INVALID_INPUT) from exc


@app.command("seed")
def seed_command() -> None:
    """Store the shipped studies.csv in the database (once; later runs add nothing)."""
    with open_platform() as platform, _one_line_errors():
        uow = platform.uow()
        with uow:
            added = evidence_records.seed_evidence(uow, now=platform.clock.now())
            uow.commit()
    typer.echo(f"seeded {added} evidence rows" if added else "evidence table already seeded")


@app.command("add")
def add_command(
    from_json: Annotated[
        Path, typer.Option("--from-json", help="A JSON object: studies.csv column -> value.")
    ],
) -> None:
    """Add one row (validated as studies.csv rows are), audited."""
    values = _json_object(from_json)
    with open_platform() as platform, _one_line_errors():
        uow = platform.uow()
        with uow:
            record = evidence_records.add_evidence(
                uow, values, by=actor(), now=platform.clock.now()
            )
            uow.commit()
    typer.echo(f"added {_describe(record)}")
    _echo_caution(record)


@app.command("edit")
def edit_command(
    study_id: Annotated[str, typer.Argument(metavar="STUDY_ID")],
    outcome: Annotated[str, typer.Argument(metavar="OUTCOME")],
    assignments: Annotated[
        list[str], typer.Option("--set", help="field=value (repeatable; empty value clears).")
    ],
    reason: Annotated[str, typer.Option(help="Why the row changes (kept in the audit trail).")],
    timepoint: Annotated[
        float | None, typer.Option(help="The row at this timepoint (months).")
    ] = None,
    arm: Annotated[str | None, typer.Option(help="The row of this arm (arm= in notes).")] = None,
) -> None:
    """Change columns of one row, validated and audited with the reason."""
    changes = dict(_assignment(text) for text in assignments)
    with open_platform() as platform, _one_line_errors():
        uow = platform.uow()
        with uow:
            now = platform.clock.now()
            evidence_records.seed_evidence(uow, now=now)
            found = evidence_records.find_evidence_record(
                uow, study_id, outcome, timepoint_months=timepoint, arm=arm
            )
            record = evidence_records.edit_evidence(
                uow,
                found.id,
                changes,
                expected_version=found.version,
                reason=reason,
                by=actor(),
                now=now,
            )
            uow.commit()
    typer.echo(f"edited {_describe(record)} (version {record.version})")
    _echo_caution(record)


def _json_object(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CliError(f"cannot read {path}: {exc}", EXIT_INVALID_INPUT) from exc
    if not isinstance(data, dict):
        raise CliError(f"{path} must hold one JSON object (column -> value)", EXIT_INVALID_INPUT)
    return data


def _assignment(text: str) -> tuple[str, str]:
    field, sep, value = text.partition("=")
    if not sep or not field.strip():
        raise CliError(f"--set {text!r}: write field=value", EXIT_INVALID_INPUT)
    return field.strip(), value.strip()


def _describe(record: EvidenceRecord) -> str:
    timepoint = "" if record.timepoint_months is None else f" at {record.timepoint_months:g} mo"
    return f"{record.study_id} {record.outcome}{timepoint} [{record.id}]"


def _echo_caution(record: EvidenceRecord) -> None:
    if record.row.needs_caution:
        typer.echo(f"caution: {MEMORY_CAUTION}", err=True)


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
    rows = select_evidence(_evidence(), therapy=therapy, outcome=outcome)
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
