"""Text that can be stored: no NUL character and no unpaired UTF-16 surrogate.

PostgreSQL refuses U+0000 in ``text`` ("PostgreSQL docs, 8.3 Character Types": the character with
code zero cannot be stored), and a lone surrogate (U+D800-U+DFFF) has no UTF-8 encoding
(RFC 3629, section 3), so SQLite's driver cannot encode it. JSON lets both through as escapes
(RFC 8259, section 8.2, names unpaired surrogates as unpredictable). The API, the web forms and
the importers ask :func:`find_unstorable` before anything reaches a database, so that both
databases give the same refusal and no driver error quotes the value into a log.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
ACCEPTED_TEXT = "text without NUL characters (U+0000) or unpaired surrogates (U+D800-U+DFFF)"
MAX_JSON_DEPTH = 32  # RFC 8259 section 9 lets a parser limit nesting; our deepest body nests 3
ACCEPTED_DEPTH = f"JSON nested at most {MAX_JSON_DEPTH} levels deep"


def unstorable_reason(text: str) -> str | None:
    """Why ``text`` cannot be stored (it holds a NUL or a lone surrogate), or ``None``."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character (U+0000)"
    return "contains an unpaired surrogate (U+D800-U+DFFF), which is not Unicode text"


def find_unstorable(value: Any, path: str = "") -> tuple[str, str, str] | None:
    """The first ``(dotted path, reason, what is accepted)`` in a parsed JSON value that is refused.

    Keys are checked as well as values; a value nested deeper than :data:`MAX_JSON_DEPTH`
    is refused too, as a structure no request of ours has.
    """
    for where, text, depth in _strings(value, path, 0):
        if depth > MAX_JSON_DEPTH:
            return where or "body", f"nests deeper than {MAX_JSON_DEPTH} levels", ACCEPTED_DEPTH
        reason = unstorable_reason(text)
        if reason is not None:
            return where or "body", reason, ACCEPTED_TEXT
    return None


def _strings(value: Any, path: str, depth: int) -> Iterator[tuple[str, str, int]]:
    if depth > MAX_JSON_DEPTH:
        yield path, "", depth
        return
    if isinstance(value, str):
        yield path, value, depth
    elif isinstance(value, Mapping):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            yield _safe(path), str(key), depth
            yield from _strings(item, _safe(where), depth + 1)
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}.{index}" if path else str(index), depth + 1)


def _safe(path: str) -> str:
    # A field name is shown in the refusal: one that is itself unstorable is not repeated.
    return path if unstorable_reason(path) is None else "(a field name)"
