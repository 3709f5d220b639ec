"""Time-based one-time passwords (TOTP, RFC 6238) over HOTP (RFC 4226), standard library only.

References: M'Raihi D et al. RFC 6238, TOTP: Time-Based One-Time Password Algorithm (2011),
doi:10.17487/RFC6238, sections 4.2 (T = floor((now - T0) / X)) and 5.2 (accepting one step of
clock drift); RFC 4226 section 5.3 (dynamic truncation). Authenticator apps use SHA-1, 6 digits,
30-second steps (the RFC 6238 defaults), which are our defaults.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from datetime import datetime

STEP_SECONDS = 30  # RFC 6238 s4.1, default time step X
DIGITS = 6  # RFC 4226 s5.3, the common length; the RFC 6238 Appendix B vectors use 8
ALLOWED_DRIFT_STEPS = 1  # RFC 6238 s5.2: at most one step back or forward is recommended
SECRET_BYTES = 20  # RFC 4226 s4 R6: a 160-bit shared secret is recommended
_DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, algorithm: str = "sha1") -> str:
    """HOTP value of ``counter`` (RFC 4226 s5.3), zero-padded to ``digits``."""
    mac = hmac.new(key, struct.pack(">Q", counter), _DIGESTS[algorithm]).digest()
    offset = mac[-1] & 0x0F
    code = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(code % 10**digits).zfill(digits)


def totp(key: bytes, unix_time: int, *, digits: int = DIGITS, algorithm: str = "sha1") -> str:
    """TOTP value at ``unix_time`` seconds (RFC 6238 s4.2, T0 = 0)."""
    return hotp(key, unix_time // STEP_SECONDS, digits=digits, algorithm=algorithm)


def new_secret() -> str:
    """A random secret in base32, as authenticator apps expect it."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def secret_bytes(secret_base32: str) -> bytes:
    """The key behind a base32 secret (padding optional)."""
    padded = secret_base32.upper() + "=" * (-len(secret_base32) % 8)
    return base64.b32decode(padded)


def matching_step(secret_base32: str, code: str, now: datetime) -> int | None:
    """The time step T (RFC 6238 s4.2) whose code ``code`` is, within one step of ``now``.

    Every candidate is compared (constant time each), so the time taken does not say which
    step matched; ``None`` when none does.
    """
    key = secret_bytes(secret_base32)
    current = int(now.timestamp()) // STEP_SECONDS
    cleaned = code.strip().replace(" ", "")
    if not (cleaned.isascii() and cleaned.isdigit()):
        return None  # compare_digest refuses non-ASCII text; no code has other characters
    matched: int | None = None
    for step in range(current - ALLOWED_DRIFT_STEPS, current + ALLOWED_DRIFT_STEPS + 1):
        if hmac.compare_digest(hotp(key, step), cleaned):
            matched = step
    return matched


def verify_totp(secret_base32: str, code: str, now: datetime) -> bool:
    """Whether ``code`` is valid at ``now`` within one step of drift (constant-time compare)."""
    return matching_step(secret_base32, code, now) is not None


def provisioning_uri(secret_base32: str, *, username: str, issuer: str = "lupus-sct") -> str:
    """The otpauth:// URI an authenticator app reads (Key Uri Format, Google Authenticator)."""
    return f"otpauth://totp/{issuer}:{username}?secret={secret_base32}&issuer={issuer}"
