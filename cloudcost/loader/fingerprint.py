"""Content fingerprints: a delivery is identified by the lines it holds, not by its files' bytes or names.

The same lines as ``.csv`` or ``.csv.gz``, or in Parquet re-compressed with another codec, stage to the
same raw lines and so are the same delivery ("already loaded"), never a new one (which would then make the
original look like a roll-back). The fingerprint is order-independent: per line, two 64-bit hashes of its
raw values; per delivery, the sums of those hashes (so a repeated line counts twice, unlike an XOR) with the
line count, hashed again (sha256) with the billing period and the payer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from cloudcost.schema import CUR_COLUMNS

_CHUNK = 1 << 20

_COLUMNS = ", ".join(column.name for column in CUR_COLUMNS)
# Aggregates over the staged lines of one delivery; their values are the "digests" of ``delivery_id``.
# DuckDB's hash() of every raw value (twice, seeded differently: 128 bits) is fast; an MD5 of each line's
# text costs ten times more. DuckDB does not promise hash() stays the same across its versions: if an
# upgrade changes it, reloading an identical delivery records a replacement with the same lines (nothing
# lost or doubled), and a sign-off naming the old id must be given again.
CONTENT_SQL = (
    f"sum(hash({_COLUMNS})::hugeint)::varchar as content_lower, "
    f"sum(hash('cloudcost', {_COLUMNS})::hugeint)::varchar as content_upper"
)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def delivery_id(billing_period: date, payer_account_id: str, digests: Iterable[str]) -> str:
    """sha256 over the billing period, the payer and the sorted digests (content sums and line count).

    The period and payer are part of it because one file may hold several periods (each its own delivery).
    """
    digest = hashlib.sha256()
    digest.update(f"{billing_period.isoformat()}\n{payer_account_id}\n".encode())
    for part in sorted(digests):
        digest.update(part.encode() + b"\n")
    return digest.hexdigest()
