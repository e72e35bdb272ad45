"""Group data files into deliveries (assemblies) with the manifests AWS writes beside them.

Legacy CUR manifests list their files under ``reportKeys`` and name the assembly ``assemblyId``; CUR 2.0
(Data Exports) manifests use ``dataFiles`` and ``executionId``. A data file belongs to the manifest whose
listed key shares the longest run of trailing path components with the file's path. A JSON file that is not
a manifest, or a manifest that lists none of the files being loaded, is ignored.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cloudcost.loader.discovery import DataFile
from cloudcost.loader.errors import CurLoadError


@dataclass(frozen=True)
class Manifest:
    path: Path
    assembly_id: str
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Grouping:
    """Which assembly each data file belongs to (None: no manifest lists it), plus notes for the user."""

    assembly_of: dict[Path, str | None]
    notes: tuple[str, ...]


def read_manifest(path: Path) -> Manifest | None:
    """Parse a manifest; None when the JSON is not a CUR manifest."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(document, dict):
        return None
    keys = document.get("reportKeys") or document.get("dataFiles")
    if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
        return None
    assembly_id = document.get("assemblyId") or document.get("executionId") or str(path)
    return Manifest(path=path, assembly_id=str(assembly_id), keys=tuple(keys))


def _shared_tail(path: Path, key: str) -> int:
    """How many trailing path components a local file and a manifest key have in common."""
    local = path.parts[::-1]
    remote = [part for part in key.split("/") if part][::-1]
    shared = 0
    for mine, theirs in zip(local, remote, strict=False):
        if mine != theirs:
            break
        shared += 1
    return shared


def group_files(data_files: Sequence[DataFile], manifest_files: Sequence[Path]) -> Grouping:
    manifests = [m for m in (read_manifest(path) for path in manifest_files) if m is not None]
    notes = [
        f"{path} is not a CUR manifest; ignored." for path in manifest_files if path not in {m.path for m in manifests}
    ]
    assembly_of: dict[Path, str | None] = {}
    matched_keys: dict[str, set[str]] = {}
    for data_file in data_files:
        best_score, best = 0, set()
        best_keys: list[tuple[str, str]] = []
        for manifest in manifests:
            for key in manifest.keys:
                score = _shared_tail(data_file.path, key)
                if score == 0 or score < best_score:
                    continue
                if score > best_score:
                    best_score, best, best_keys = score, set(), []
                best.add(manifest.assembly_id)
                best_keys.append((manifest.assembly_id, key))
        if len(best) > 1:
            raise CurLoadError(
                f"{data_file.path} is listed by manifests of several deliveries ({', '.join(sorted(best))}); "
                "load one delivery's folder at a time."
            )
        assembly = next(iter(best), None)
        assembly_of[data_file.path] = assembly
        for assembly_id, key in best_keys:
            matched_keys.setdefault(assembly_id, set()).add(key)
    for manifest in manifests:
        if manifest.assembly_id not in matched_keys:
            notes.append(f"manifest {manifest.path} lists none of the files given; ignored.")
            continue
        missing = [key for key in manifest.keys if key not in matched_keys[manifest.assembly_id]]
        if missing:
            raise CurLoadError(
                f"Delivery {manifest.assembly_id} is incomplete: its manifest {manifest.path} lists "
                f"{missing[0]}, which is not among the files given ({len(missing)} file(s) missing)."
            )
    return Grouping(assembly_of=assembly_of, notes=tuple(notes))
