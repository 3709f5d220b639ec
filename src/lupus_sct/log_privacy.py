"""Log records without patient data: no SQL parameters, no exception messages.

The entrypoints (``lupus-sct`` and the web server) call :func:`install` once. From then on every
log record of our loggers, SQLAlchemy's and the web server's is cleaned as it is created, whatever
handler prints it: SQLAlchemy's statement parameters are dropped (they hold names and hospital
numbers), an exception passed as an argument is shown by its type only, and a traceback keeps
its frames but not the exception's message (a driver error quotes the value it refused).
The engines also hide parameters from exception messages (``hide_parameters`` in
:mod:`lupus_sct.store.database`); this is the second, independent guard.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

CLEANED_LOGGERS = ("lupus_sct", "sqlalchemy", "uvicorn", "alembic", "starlette", "fastapi")
WITHHELD = "(message withheld: it may quote patient data)"
_MARK = "_lupus_sct_log_privacy"


def install() -> None:
    """Clean every log record from now on (idempotent)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, _MARK, False):
        return
    logging.setLogRecordFactory(_cleaning(previous))


def _cleaning(previous: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if record.name.split(".")[0] in CLEANED_LOGGERS:
            clean(record)
        return record

    setattr(factory, _MARK, True)
    return factory


def clean(record: logging.LogRecord) -> None:
    """Remove SQL parameters, exception messages and traceback messages from ``record``."""
    if record.name.startswith("sqlalchemy") and record.args:
        record.msg = f"{record.msg} [parameters hidden]"
        record.args = None
    elif isinstance(record.args, tuple):
        record.args = tuple(_plain(arg) for arg in record.args)
    elif isinstance(record.args, dict):
        record.args = {key: _plain(arg) for key, arg in record.args.items()}
    if record.exc_info and record.exc_info[1] is not None:
        record.exc_text = _frames_only(record.exc_info[1])
        record.exc_info = None


def _plain(arg: Any) -> Any:
    return f"{type(arg).__name__} {WITHHELD}" if isinstance(arg, BaseException) else arg


def _frames_only(exc: BaseException) -> str:
    frames = "".join(traceback.format_tb(exc.__traceback__))
    return f"Traceback (most recent call last):\n{frames}{type(exc).__name__} {WITHHELD}"
