"""``lupus-sct user ...`` and ``lupus-sct token ...``: ending access from the server's console.

For the operator who runs the server (and so holds the database): disable or enable an account,
reset a password (every session and token of the user ends), list and revoke API tokens.
Register with ``app.add_typer(accounts.user_app, name="user")`` and
``app.add_typer(accounts.token_app, name="token")``. The writer in the audit trail is
``cli:<operating-system user>``; no password or token secret is ever printed except a new
password, once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lupus_sct.cli.pathway import actor
from lupus_sct.cli.platform import EXIT_INVALID_INPUT, CliError, open_platform
from lupus_sct.services.accounts import security

user_app = typer.Typer(
    help="Accounts: list, disable, enable, reset a password, end every session.",
    no_args_is_help=True,
)
token_app = typer.Typer(help="API tokens: list a user's tokens, revoke one.", no_args_is_help=True)

Username = Annotated[str, typer.Argument(help="The account's user name.")]


@user_app.command("list")
def list_users() -> None:
    """Every account: user name, role, active or disabled."""
    with open_platform() as platform, platform.uow() as uow:
        users = sorted(uow.users.find(), key=lambda u: u.username)
    for user in users:
        state = "active" if user.active else "disabled"
        typer.echo(f"{user.username}\t{user.role.value}\t{state}")


@user_app.command("disable")
def disable(username: Username) -> None:
    """Disable an account: it cannot sign in, its sessions end and its tokens are revoked."""
    with open_platform() as platform:
        security.set_user_active(
            platform.uow(), username, active=False, by=actor(), now=platform.clock.now()
        )
    typer.echo(f"'{username}' disabled; its sessions ended and its tokens were revoked")


@user_app.command("enable")
def enable(username: Username) -> None:
    """Enable a disabled account again (tokens revoked on disabling stay revoked)."""
    with open_platform() as platform:
        security.set_user_active(
            platform.uow(), username, active=True, by=actor(), now=platform.clock.now()
        )
    typer.echo(f"'{username}' enabled")


@user_app.command("reset-password")
def reset_password(
    username: Username,
    password_file: Annotated[
        Path | None,
        typer.Option(help="Read the new password from this file instead of generating one."),
    ] = None,
) -> None:
    """Set a new password (generated unless given); every session and token of the user ends."""
    given = _read_secret(password_file) if password_file else None
    with open_platform() as platform:
        password = security.reset_password(
            platform.uow(),
            username,
            hasher=platform.hasher,
            by=actor(),
            now=platform.clock.now(),
            new_password=given,
        )
    typer.echo(f"password of '{username}' reset; its sessions ended and its tokens were revoked")
    if given is None:
        typer.echo(f"new password (shown once): {password}")


@user_app.command("sign-out-everywhere")
def sign_out_everywhere(username: Username) -> None:
    """End every session of an account and revoke every token (the password stays)."""
    with open_platform() as platform:
        unit = platform.uow()
        with unit:
            user = security.user_named(unit, username)
            ended = security.end_access(unit, user.id, by=actor(), now=platform.clock.now())
            unit.commit()
    typer.echo(f"{ended} sessions and tokens of '{username}' ended")


@token_app.command("list")
def list_tokens(username: Username) -> None:
    """A user's API tokens: id, name, scopes, state and when it stops working."""
    with open_platform() as platform:
        unit = platform.uow()
        with unit:
            user = security.user_named(unit, username)
        tokens = security.tokens_of(platform.uow(), user.id)
        now = platform.clock.now()
    for token in tokens:
        state = "usable" if token.is_usable(now) else "revoked" if token.revoked_at else "expired"
        scopes = ",".join(token.scopes)
        typer.echo(f"{token.id}\t{token.name}\t{scopes}\t{state}\t{token.ends_at.isoformat()}")


@token_app.command("revoke")
def revoke(token_id: Annotated[str, typer.Argument(help="The id shown by 'token list'.")]) -> None:
    """Revoke one API token: it stops working at once."""
    with open_platform() as platform:
        security.revoke_token(
            platform.uow(), token_id, owner_id=None, by=actor(), now=platform.clock.now()
        )
    typer.echo(f"token {token_id} revoked")


def _read_secret(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise CliError(
            f"cannot read the password file {path}: {exc.strerror}", EXIT_INVALID_INPUT
        ) from exc
