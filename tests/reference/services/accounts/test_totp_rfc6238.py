"""TOTP against the test vectors of RFC 6238, Appendix B (8 digits, T0 = 0, X = 30 s)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from lupus_sct.services.accounts.totp_rfc6238 import hotp, totp, verify_totp

# RFC 6238 Appendix B: the seeds are ASCII "1234567890" repeated to 20, 32 and 64 bytes.
SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
# RFC 6238 Appendix B table: (Unix time, TOTP SHA-1, TOTP SHA-256, TOTP SHA-512).
VECTORS = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize(("unix_time", "sha1", "sha256", "sha512"), VECTORS)
def test_totp_matches_rfc_6238_appendix_b(
    unix_time: int, sha1: str, sha256: str, sha512: str
) -> None:
    for algorithm, expected in (("sha1", sha1), ("sha256", sha256), ("sha512", sha512)):
        assert totp(SEEDS[algorithm], unix_time, digits=8, algorithm=algorithm) == expected


def test_hotp_matches_rfc_4226_appendix_d() -> None:
    # RFC 4226 Appendix D: HOTP values for counters 0-2 of the 20-byte ASCII secret.
    assert [hotp(SEEDS["sha1"], c) for c in range(3)] == ["755224", "287082", "359152"]


def test_a_code_one_step_old_is_accepted_and_two_steps_old_is_not() -> None:
    secret = base64.b32encode(SEEDS["sha1"]).decode()
    now = datetime.fromtimestamp(1111111111, tz=UTC)
    current = totp(SEEDS["sha1"], 1111111111)
    one_back = totp(SEEDS["sha1"], 1111111111 - 30)
    two_back = totp(SEEDS["sha1"], 1111111111 - 60)
    assert verify_totp(secret, current, now)
    assert verify_totp(secret, one_back, now)  # RFC 6238 s5.2: one step of drift
    assert not verify_totp(secret, two_back, now)
