"""Signed audit checkpoints in a file of their own, signed with an Ed25519 key kept apart.

Notes
-----
One checkpoint is one line of JSON: the chain head's ``seq`` and ``hash``, the time ``at`` and an
Ed25519 signature (RFC 8032) over ``FORMAT``, seq, hash and time, one per line. Lines are appended
with a single ``write`` on a file opened ``O_APPEND`` (POSIX: appends from several processes do
not interleave), so server workers and the CLI can share the file. The private key is read only
to sign; checking needs only the public key beside it (suffix ``.pub``). Where the files live
and why: docs/adr/0005-audit-anchor.md.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from lupus_sct.services.audit.anchor import Checkpoint, CheckpointRead

FORMAT = "lupus-sct audit checkpoint v1"  # the signed text starts with it (domain separation)
SECRET_FILE_MODE = 0o600  # OWASP ASVS 4.0.3 s6.4.1: key material readable by its owner only
PRIVATE_DIR_MODE = 0o700  # the directories created for the key and the checkpoints
PUBLIC_FILE_MODE = 0o644  # the public key may be copied to any verifier


def signed_text(seq: int, chain_hash: str, at: str) -> bytes:
    """The bytes a checkpoint's signature covers."""
    return f"{FORMAT}\n{seq}\n{chain_hash}\n{at}".encode()


class FileAuditAnchor:
    """Checkpoints appended to ``checkpoint_file``, signed with the key in ``key_file``."""

    def __init__(self, key_file: Path, checkpoint_file: Path) -> None:
        self.key_file = key_file
        self.public_key_file = key_file.with_suffix(".pub")
        self.checkpoint_file = checkpoint_file
        self._signer: Ed25519PrivateKey | None = None

    def can_verify(self) -> bool:
        return self.public_key_file.exists() or self.key_file.exists()

    def create_key(self) -> bool:
        """Create the key pair and an empty checkpoint file (owner-only) unless the key exists."""
        if self.key_file.exists():
            return False
        key = Ed25519PrivateKey.generate()
        private = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        public = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        _write_new(self.key_file, private, SECRET_FILE_MODE)
        _write_new(self.public_key_file, public, PUBLIC_FILE_MODE)
        self.checkpoint_file.parent.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
        os.close(os.open(self.checkpoint_file, os.O_WRONLY | os.O_CREAT, SECRET_FILE_MODE))
        return True

    def record(self, head: tuple[int, str]) -> None:
        """Sign ``head`` and append it; nothing when there is no signing key (not anchored)."""
        signer = self._load_signer()
        if signer is None or head[0] == 0:
            return
        seq, chain_hash = head
        at = datetime.now(UTC).isoformat(timespec="microseconds")
        signature = signer.sign(signed_text(seq, chain_hash, at))
        line = json.dumps(
            {"seq": seq, "hash": chain_hash, "at": at, "sig": base64.b64encode(signature).decode()}
        )
        descriptor = os.open(
            self.checkpoint_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, SECRET_FILE_MODE
        )
        try:
            os.write(descriptor, (line + "\n").encode())
        finally:
            os.close(descriptor)

    def read(self) -> CheckpointRead:
        """Every line of the checkpoint file, each signature checked with the public key."""
        if not self.checkpoint_file.exists():
            return CheckpointRead((), (f"the checkpoint file {self.checkpoint_file} is missing",))
        public = self._public_key()
        checkpoints, problems = [], []
        with self.checkpoint_file.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                checkpoint = _checked(public, line)
                if checkpoint is None:
                    problems.append(
                        f"checkpoint line {number} does not verify with the public key "
                        "(altered, forged or not a checkpoint)"
                    )
                else:
                    checkpoints.append(checkpoint)
        return CheckpointRead(tuple(checkpoints), tuple(problems))

    def _load_signer(self) -> Ed25519PrivateKey | None:
        if self._signer is None and self.key_file.exists():
            key = serialization.load_pem_private_key(self.key_file.read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError(f"{self.key_file} is not an Ed25519 private key")
            self._signer = key
        return self._signer

    def _public_key(self) -> Ed25519PublicKey:
        if not self.public_key_file.exists():
            signer = self._load_signer()
            if signer is None:
                raise ValueError(f"no audit key at {self.key_file} nor {self.public_key_file}")
            return signer.public_key()
        key = serialization.load_pem_public_key(self.public_key_file.read_bytes())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError(f"{self.public_key_file} is not an Ed25519 public key")
        return key


def _checked(public: Ed25519PublicKey, line: str) -> Checkpoint | None:
    """The checkpoint on ``line`` if it is one and its signature verifies."""
    try:
        data = json.loads(line)
        seq, chain_hash, at = int(data["seq"]), str(data["hash"]), str(data["at"])
        public.verify(
            base64.b64decode(data["sig"], validate=True), signed_text(seq, chain_hash, at)
        )
    except (ValueError, KeyError, TypeError, binascii.Error, InvalidSignature):
        return None
    return Checkpoint(seq, chain_hash, at)


def _write_new(path: Path, content: bytes, mode: int) -> None:
    """Create ``path`` with ``mode`` (never wider, whatever the umask) and write ``content``."""
    path.parent.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.fchmod(descriptor, mode)
        os.write(descriptor, content)
    finally:
        os.close(descriptor)
