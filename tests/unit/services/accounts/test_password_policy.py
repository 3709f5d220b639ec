"""Finding 9 of issue 15: passwords were checked for length only (NIST SP 800-63B s5.1.1.2)."""

from __future__ import annotations

import pytest

from lupus_sct.domain.errors import InvalidValueError
from lupus_sct.services.accounts.password_policy import (
    MAX_PASSWORD_LENGTH,
    check_password,
    password_problem,
)

# The three values the probe saw accepted, and NIST's own examples of what to refuse.
PROBED = ("            ", "password1234", "aaaaaaaaaaaa")
NIST_EXAMPLES = ("123456789012", "1234abcd1234abcd", "qwertyuiopas")


@pytest.mark.parametrize("password", PROBED + NIST_EXAMPLES)
def test_common_repetitive_sequential_and_blank_passwords_are_refused(password: str) -> None:
    assert password_problem(password, username="ana-lopez") is not None


@pytest.mark.parametrize("password", ["ana-lopez-2026", "lupussct2026!", "lupus-sct-1234"])
def test_a_password_built_on_the_user_name_or_the_service_name_is_refused(password: str) -> None:
    assert password_problem(password, username="ana-lopez") is not None


def test_a_long_passphrase_is_accepted() -> None:
    assert password_problem("violet kestrel under marble", username="ana-lopez") is None


def test_at_least_sixty_four_characters_are_accepted() -> None:
    long_one = "orchid tramline " * 4  # 64 characters (NIST: SHOULD accept at least 64)
    assert len(long_one) == 64
    assert password_problem(long_one) is None
    assert password_problem("x" * (MAX_PASSWORD_LENGTH + 1)) is not None


def test_a_refusal_names_the_field_and_the_length_but_never_the_password() -> None:
    with pytest.raises(InvalidValueError) as refused:
        check_password("password1234", username="ana", field="new_password")
    assert refused.value.field == "new_password"
    assert refused.value.value == "12 characters"
    assert "password1234" not in str(refused.value)
    assert "common" in refused.value.accepted


def test_a_passphrase_longer_than_zxcvbn_scores_is_judged_on_its_start() -> None:
    long_one = "violet kestrel under marble " * 5  # 140 characters; zxcvbn stops at 72
    assert password_problem(long_one.strip()) is None
    assert password_problem("a" * 150) is not None  # the repeated start is still refused
