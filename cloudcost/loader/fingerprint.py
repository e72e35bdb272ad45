"""Content fingerprints: a delivery is identified by the bytes of its files, not by their names."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from pathlib import Path

_CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def delivery_id(billing_period: date, payer_account_id: str, file_digests: Iterable[str]) -> str:
    """sha256 over the sorted file digests, the billing period and the payer.

    The period and payer are part of it because one file may hold several periods (each its own delivery);
    the digests are sorted so renaming or reordering files does not make a new delivery.
    """
    digest = hashlib.sha256()
    digest.update(f"{billing_period.isoformat()}\n{payer_account_id}\n".encode())
    for file_digest in sorted(file_digests):
        digest.update(file_digest.encode() + b"\n")
    return digest.hexdigest()
