"""A fast hasher for *issued* secrets only (initial passwords on login slips).

Issued passwords are random (10 characters from 56, about 58 bits), used once, and must be
changed at first sign-in, when Django re-hashes the user's own password with Argon2 (the
default hasher). Like API tokens, such a high-entropy random secret gains nothing from a slow
hash, and a slow hash would make issuing 1,000 logins in September take minutes instead of
seconds. User-chosen passwords never use this hasher. See docs/adr/0002-issued-passwords.md.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_noop as _


class IssuedSecretHasher(BasePasswordHasher):
    algorithm = "kajet_issued_sha256"

    def salt(self) -> str:
        return secrets.token_hex(8)

    def encode(self, password: str, salt: str) -> str:
        if password is None or not salt or "$" in salt:
            raise ValueError("invalid password or salt")
        digest = hashlib.sha256(f"{salt}${password}".encode()).hexdigest()
        return f"{self.algorithm}${salt}${digest}"

    def decode(self, encoded: str) -> dict[str, Any]:
        algorithm, salt, digest = encoded.split("$", 2)
        assert algorithm == self.algorithm
        return {"algorithm": algorithm, "hash": digest, "salt": salt}

    def verify(self, password: str, encoded: str) -> bool:
        decoded = self.decode(encoded)
        return constant_time_compare(encoded, self.encode(password, decoded["salt"]))

    def safe_summary(self, encoded: str) -> dict[Any, Any]:
        decoded = self.decode(encoded)
        return {_("algorithm"): decoded["algorithm"], _("hash"): mask_hash(decoded["hash"])}

    def must_update(self, encoded: str) -> bool:
        return True  # any successful sign-in re-hashes with the default (Argon2)

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass
