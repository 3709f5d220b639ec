"""Protocol files: the YAML protocols shipped with the package and those a centre adds."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import yaml

from lupus_sct.domain.eligibility.protocol import Protocol
from lupus_sct.services.eligibility.protocol_parsing import ProtocolError, parse_protocol

SUFFIXES = (".yaml", ".yml")


def read_protocol_text(text: str, source: str) -> Protocol:
    """Parse and validate one protocol document."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ProtocolError(f"{source}: not valid YAML{where}: {problem}") from exc
    return parse_protocol(document, source)


def read_protocol_file(path: Path) -> Protocol:
    """Parse and validate the protocol in ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"{path}: cannot be read: {exc}") from exc
    return read_protocol_text(text, path.name)


def _shipped() -> list[tuple[str, str]]:
    folder = resources.files("lupus_sct") / "protocols"
    return sorted(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(SUFFIXES)
    )


def load_protocols(extra_dirs: Iterable[Path] = ()) -> dict[str, Protocol]:
    """The shipped protocols plus those in ``extra_dirs``; an id may be defined only once."""
    protocols: dict[str, Protocol] = {}
    origin: dict[str, str] = {}
    documents = [(f"shipped {name}", text) for name, text in _shipped()]
    for folder in extra_dirs:
        if not folder.is_dir():
            raise ProtocolError(f"{folder}: protocol folder does not exist")
        documents += [
            (str(p), p.read_text(encoding="utf-8"))
            for p in sorted(folder.iterdir())
            if p.suffix in SUFFIXES
        ]
    for source, text in documents:
        protocol = read_protocol_text(text, source)
        if protocol.id in protocols:
            raise ProtocolError(
                f"{source}: protocol id {protocol.id!r} is already defined by {origin[protocol.id]}"
            )
        protocols[protocol.id] = protocol
        origin[protocol.id] = source
    return protocols
