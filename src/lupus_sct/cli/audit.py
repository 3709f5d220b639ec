"""``lupus-sct audit``: verify the trail against its signed checkpoints and the stored rows.

Exit 0 when everything verified, 1 naming the cause otherwise.
Design: docs/adr/0005-audit-anchor.md.
"""

from __future__ import annotations

import typer

from lupus_sct.bootstrap import Platform
from lupus_sct.cli.platform import CliError, open_platform
from lupus_sct.services.audit.trail import AuditCheck, chain_head, check_audit_trail

app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)


@app.command("verify")
def verify() -> None:
    """Check every entry's hash and link, the signed checkpoints, and every audited row."""
    with open_platform() as platform:
        result = check_audit_trail(platform.uow(), platform.audit_anchor)
        anchor = platform.audit_anchor
    _fail_unless_passed(result)
    if not result.anchored and anchor is not None:
        typer.echo(
            f"warning: no audit key at {anchor.key_file} (nor {anchor.public_key_file}): "
            "deleted or rewritten entries cannot be detected; run 'lupus-sct init'",
            err=True,
        )
    count = result.chain.entries_checked
    anchored = "; signed checkpoints agree" if result.anchored else ""
    typer.echo(
        f"audit trail intact: {count} {'entry' if count == 1 else 'entries'} verified"
        f"{anchored}; every audited row matches the trail"
    )


def _fail_unless_passed(result: AuditCheck) -> None:
    chain = result.chain
    if not chain.intact:
        raise CliError(
            f"audit trail broken at entry {chain.first_bad_seq}: {chain.problem} "
            f"({chain.entries_checked} entries read)"
        )
    problems = [*result.anchor_problems, *result.row_problems]
    if not problems:
        return
    for problem in problems:
        typer.echo(f"  {problem}", err=True)
    cause = (
        "the chain disagrees with its signed checkpoints"
        if result.anchor_problems
        else "stored rows differ from the audit trail (changed outside the application)"
    )
    raise CliError(f"audit verification failed: {cause}: {problems[0]}")


@app.command("checkpoint")
def checkpoint() -> None:
    """Sign and keep a checkpoint of the chain head now (after verifying everything)."""
    with open_platform() as platform:
        write_checkpoint(platform)


def write_checkpoint(platform: Platform) -> None:
    """Verify, then checkpoint the current head: a tampered chain is never signed."""
    anchor = platform.audit_anchor
    if anchor is None or not anchor.key_file.exists():
        where = anchor.key_file if anchor else "the configured path"
        raise CliError(f"no audit signing key at {where}: run 'lupus-sct init' first")
    _fail_unless_passed(check_audit_trail(platform.uow(), anchor))
    seq, chain_hash = chain_head(platform.uow())
    anchor.record((seq, chain_hash))
    typer.echo(f"checkpoint of entry {seq} written to {anchor.checkpoint_file}")


def create_anchor(platform: Platform) -> None:
    """``init``: create the signing key (owner-only) and checkpoint a chain that has entries."""
    anchor = platform.audit_anchor
    if anchor is None or not anchor.create_key():
        return
    typer.echo(
        f"audit signing key created at {anchor.key_file} (keep a copy apart from database "
        f"backups); checkpoints at {anchor.checkpoint_file}"
    )
    if chain_head(platform.uow())[0] > 0:
        write_checkpoint(platform)
