"""Domain errors: every refusal names the field, the value and what is accepted.

The API maps :class:`InvalidValueError` to HTTP 422 and the CLI to a one-line message with exit
code 2 (house style, "Errors and data").
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class of every error raised by clinical rules."""


class InvalidValueError(DomainError):
    """A value a user or a file supplied is not acceptable for its field.

    Parameters
    ----------
    field
        Dotted name of the field, as the user knows it (``"lab.unit"``).
    value
        The value received.
    accepted
        What would have been accepted, in words (``"one of mg/dL, umol/L"``).
    """

    def __init__(self, field: str, value: Any, accepted: str) -> None:
        self.field = field
        self.value = value
        self.accepted = accepted
        super().__init__(f"{field}: {_show(value)} is not accepted; expected {accepted}")


class OutOfValidatedRangeError(InvalidValueError):
    """A number lies outside the range an instrument or a plausibility check was validated for."""

    def __init__(self, field: str, value: Any, low: float, high: float, unit: str = "") -> None:
        unit_text = f" {unit}" if unit else ""
        self.low = low
        self.high = high
        super().__init__(field, value, f"a value in {low:g}-{high:g}{unit_text}")
        self.args = (f"{field} {_show(value)}{unit_text} is outside {low:g}-{high:g}",)

    def __str__(self) -> str:
        return str(self.args[0])


class PathwayOrderError(DomainError):
    """An event would be dated out of the order the treatment pathway allows."""


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if value is None:
        return "nothing"
    return str(value)
