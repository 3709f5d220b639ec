"""Which passwords are accepted: NIST SP 800-63B section 5.1.1.2 (memorised secrets).

Notes
-----
NIST asks for at least 8 characters (we ask for 12), at least 64 accepted, no composition rules,
and a check against "passwords obtained from previous breach corpuses, dictionary words,
repetitive or sequential characters (e.g. aaaaaa, 1234abcd) and context-specific words, such as
the name of the service, the username". The list check is zxcvbn (Wheeler D, "zxcvbn:
Low-Budget Password Strength Estimation", USENIX Security 2016), which ships frequency lists of
common and breached passwords and scores repeats, sequences and keyboard patterns; we refuse a
score below 3 ("safely unguessable: moderate protection from offline slow-hash scenario") and
pass the user name and the service's words as context. Only the length is said back, never the
password.
"""

from __future__ import annotations

from zxcvbn import zxcvbn

from lupus_sct.domain.errors import InvalidValueError

MIN_PASSWORD_LENGTH = 12  # NIST SP 800-63B s5.1.1.2 asks for >= 8; we ask for 12
MAX_PASSWORD_LENGTH = 200  # NIST SP 800-63B s5.1.1.2: verifiers SHOULD accept at least 64
MIN_ZXCVBN_SCORE = 3  # zxcvbn README: 3 = "safely unguessable" (< 10^10 guesses)
SCORED_PREFIX_LENGTH = 72  # zxcvbn raises ValueError past 72 characters (zxcvbn-python 4.5)
SERVICE_WORDS = ("lupus", "lupus-sct", "lupussct", "sct", "stem", "cell", "car-t")


def password_problem(password: str, *, username: str = "") -> str | None:
    """Why ``password`` is refused (one sentence, without the password), or ``None``."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"use at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"use at most {MAX_PASSWORD_LENGTH} characters"
    if not password.strip():
        return "a password cannot be only spaces"
    context = [username, *username.replace(".", "-").split("-"), *SERVICE_WORDS]
    result = zxcvbn(password[:SCORED_PREFIX_LENGTH], user_inputs=[w for w in context if w])
    if int(result["score"]) >= MIN_ZXCVBN_SCORE:
        return None
    feedback = result["feedback"]
    advice = [feedback.get("warning") or "it is easy to guess", *feedback.get("suggestions", [])]
    return " ".join(str(a).rstrip(".") + "." for a in advice if a)


def check_password(password: str, *, username: str = "", field: str = "user.password") -> None:
    """Refuse a password NIST SP 800-63B s5.1.1.2 would refuse, naming ``field``."""
    problem = password_problem(password, username=username)
    if problem is not None:
        raise InvalidValueError(
            field,
            f"{len(password)} characters",
            f"{MIN_PASSWORD_LENGTH}-{MAX_PASSWORD_LENGTH} characters, not common, repetitive, "
            f"sequential or built on the user name or the service name ({problem})",
        )
