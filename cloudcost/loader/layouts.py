"""Recognise the folder layouts AWS delivers a CUR in, and put each billing period's deliveries in order.

``aws s3 sync`` of a CUR prefix leaves one of five layouts (see the README, "Load your own CUR"):

* ``legacy, new version per delivery``: ``<report>/YYYYMMDD-YYYYMMDD/<assemblyId>/<report>-1.csv.gz`` with a
  manifest in every assembly folder and one in the dated folder that names the current assembly;
* ``legacy, overwrite``: ``<report>/YYYYMMDD-YYYYMMDD/<report>-1.csv.gz`` and the dated folder's manifest;
* ``legacy, Athena Parquet``: ``<report>/year=YYYY/month=M/<report>-00001.snappy.parquet`` (month not
  zero-padded), overwritten in place, with ``cost_and_usage_data_status/`` saying READY or UPDATING;
* ``CUR 2.0, new version per delivery``: ``data/BILLING_PERIOD=YYYY-MM/<time>-<executionId>/...`` with the
  manifests under ``metadata/BILLING_PERIOD=YYYY-MM/...``;
* ``CUR 2.0, overwrite``: ``data/BILLING_PERIOD=YYYY-MM/<export>-00001.csv.gz`` and its manifest under
  ``metadata/BILLING_PERIOD=YYYY-MM/``.

AWS writes a delivery's manifest only after all of its data files, so a delivery folder that no manifest lists
is still being written and is not loaded; in overwrite layouts a data file newer than the manifest means the sync
caught AWS overwriting the delivery, and the load is refused. An export whose folder holds no manifest at all
(and no Athena status table) is not treated as a synced export: its files load as loose files, as before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb

from cloudcost.loader.discovery import STATUS_FOLDER, DataFile, Discovered
from cloudcost.loader.errors import CurLoadError
from cloudcost.loader.manifests import Manifest, read_manifest
from cloudcost.loader.naming import period_label
from cloudcost.sql_text import sql_string

LEGACY_VERSIONED = "legacy CUR, new version per delivery"
LEGACY_OVERWRITE = "legacy CUR, overwrite"
ATHENA = "legacy CUR, Athena Parquet"
CUR2_VERSIONED = "CUR 2.0, new version per delivery"
CUR2_OVERWRITE = "CUR 2.0, overwrite"

_DATED = re.compile(r"^(\d{8})-(\d{8})$")
_BILLING_PERIOD = re.compile(r"^BILLING_PERIOD=(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^year=(\d{4})$")
_MONTH = re.compile(r"^month=(\d{1,2})$")
# CUR 2.0 delivery folders start with the delivery time: 2026-04-16T15:24:15.653Z-<id> or 20260416T152415Z-<id>
_DELIVERY_TIME = re.compile(
    r"^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(?:\.(\d{1,6}))?Z-(.+)$",
)


@dataclass(frozen=True)
class Place:
    """Where a file sits in an export: the export folder, the layout family, the period and the sub-folder."""

    family: str  # "legacy" | "athena" | "cur2"
    root: Path
    period: date
    delivery_folder: str | None  # the assembly / delivery folder name; None = directly in the period folder


@dataclass(frozen=True)
class LayoutDelivery:
    """One delivery of one billing period: its files and the manifests that list them."""

    name: str
    files: tuple[DataFile, ...]
    manifests: tuple[Path, ...]
    assembly_id: str | None


@dataclass
class Stream:
    """The deliveries of one billing period of one export, oldest first; the last one is the current one."""

    layout: str
    root: Path
    period: date
    deliveries: list[LayoutDelivery]
    order: str  # where the order comes from, in words

    @property
    def label(self) -> str:
        return period_label(self.period)


@dataclass
class LayoutPlan:
    streams: list[Stream] = field(default_factory=list)
    loose_files: list[DataFile] = field(default_factory=list)
    loose_manifests: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _month_start(year: str, month: str) -> date | None:
    try:
        return date(int(year), int(month), 1)
    except ValueError:
        return None


def place_of(path: Path) -> Place | None:
    """The export, period and delivery folder a data file's path shows; None when it follows no AWS layout."""
    parts = path.parts
    for index in range(len(parts) - 2, 0, -1):
        part, rest = parts[index], parts[index + 1 : -1]
        matched = _BILLING_PERIOD.match(part)
        if matched and parts[index - 1] == "data" and len(rest) <= 1:
            period = _month_start(*matched.groups())
            if period:
                return Place("cur2", Path(*parts[: index - 1]), period, _first(rest))
        matched = _MONTH.match(part)
        if matched and _YEAR.match(parts[index - 1]) and not rest:
            period = _month_start(parts[index - 1][len("year=") :], matched.group(1))
            if period:
                return Place("athena", Path(*parts[: index - 1]), period, None)
        matched = _DATED.match(part)
        if matched and len(rest) <= 1:
            period = _dated_period(matched.group(1))
            if period:
                return Place("legacy", Path(*parts[:index]), period, _first(rest))
    return None


def _first(rest: Sequence[str]) -> str | None:
    return rest[0] if rest else None


def _dated_period(start: str) -> date | None:
    try:
        day = datetime.strptime(start, "%Y%m%d").date()
    except ValueError:
        return None
    return day if day.day == 1 else None


def manifest_is_period_level(path: Path) -> bool:
    """A manifest directly in a dated / BILLING_PERIOD folder (not in a delivery folder) names the current one."""
    parent = path.parent.name
    return bool(_DATED.match(parent) or _BILLING_PERIOD.match(parent))


def delivery_time(folder: str) -> datetime | None:
    """The delivery time a CUR 2.0 delivery folder's name starts with (naive UTC)."""
    matched = _DELIVERY_TIME.match(folder)
    if not matched:
        return None
    year, month, day, hour, minute, second, fraction, _ = matched.groups()
    micro = int((fraction or "0").ljust(6, "0"))
    try:
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), micro)
    except ValueError:
        return None


# -- manifests ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Listed:
    manifest: Manifest
    files: tuple[Path, ...]
    missing: tuple[str, ...]


def _key_parts(key: str) -> list[str]:
    return [part for part in key.removeprefix("s3://").split("/") if part]


def _resolve(manifests: Iterable[Manifest], by_relative: dict[str, list[tuple[Place, DataFile]]]) -> list[_Listed]:
    """Which local files each manifest lists: a key names a file when it ends with the file's path inside its export
    (``data/BILLING_PERIOD=…/…``, ``YYYYMMDD-YYYYMMDD/…`` or ``year=…/month=…/…``)."""
    listed = []
    for manifest in manifests:
        files: list[Path] = []
        missing: list[str] = []
        for key in manifest.keys:
            parts = _key_parts(key)
            found = None
            for start in range(len(parts)):
                candidates = by_relative.get("/".join(parts[start:]))
                if candidates:
                    found = max(candidates, key=lambda c: _shared_tail(c[1].path, parts))
                    break
            if found is None:
                missing.append(key)
            else:
                files.append(found[1].path)
        listed.append(_Listed(manifest, tuple(files), tuple(missing)))
    return listed


def _shared_tail(path: Path, key_parts: list[str]) -> int:
    shared = 0
    for mine, theirs in zip(reversed(path.parts), reversed(key_parts), strict=False):
        if mine != theirs:
            break
        shared += 1
    return shared


def _relative(place: Place, path: Path) -> str:
    return path.relative_to(place.root).as_posix()


# -- planning ------------------------------------------------------------------------------------------------
def plan_layouts(found: Discovered) -> LayoutPlan:
    """Sort the discovered files into export streams (one per export and billing period) and loose files.

    Raises ``CurLoadError`` before anything is read when a synced export cannot be loaded as it is: an Athena
    status table saying UPDATING, a manifest listing files that are not there, or (overwrite layouts) a data file
    newer than its manifest.
    """
    plan = LayoutPlan()
    places: dict[Path, Place] = {}
    by_relative: dict[str, list[tuple[Place, DataFile]]] = {}
    for data_file in found.data_files:
        place = place_of(data_file.path)
        if place is None:
            plan.loose_files.append(data_file)
            continue
        places[data_file.path] = place
        by_relative.setdefault(_relative(place, data_file.path), []).append((place, data_file))
    manifests = [m for m in (read_manifest(path) for path in found.manifest_files) if m is not None]
    readable = {m.path for m in manifests}
    plan.notes += [f"{path} is not a CUR manifest; ignored." for path in found.manifest_files if path not in readable]
    listed = _resolve(manifests, by_relative)
    for entry in listed:
        if entry.files and entry.missing:
            raise CurLoadError(
                f"Delivery {entry.manifest.assembly_id} is incomplete: its manifest {entry.manifest.path} lists "
                f"{entry.missing[0]}, which is not among the files given ({len(entry.missing)} file(s) missing)."
            )
    exports: dict[Path, list[DataFile]] = {}
    for data_file in found.data_files:
        if data_file.path in places:
            exports.setdefault(places[data_file.path].root, []).append(data_file)
    used_manifests: set[Path] = set()
    for root, files in sorted(exports.items()):
        family = places[files[0].path].family
        file_set = {f.path for f in files}
        own = [entry for entry in listed if set(entry.files) & file_set]
        status = _athena_status(root) if family == "athena" else None
        if not own and status is None:
            plan.loose_files += files  # no manifest, no status table: not a synced export
            continue
        used_manifests |= {entry.manifest.path for entry in own}
        by_period: dict[date, list[DataFile]] = {}
        for data_file in files:
            by_period.setdefault(places[data_file.path].period, []).append(data_file)
        for period, period_files in sorted(by_period.items()):
            stream = _stream(family, root, period, period_files, places, own, plan)
            if stream is not None:
                plan.streams.append(stream)
    for entry in listed:
        if entry.manifest.path in used_manifests:
            continue
        if plan.loose_files:
            plan.loose_manifests.append(entry.manifest.path)  # it may group loose files
        else:
            plan.notes.append(f"manifest {entry.manifest.path} lists none of the files given; ignored.")
    return plan


def _stream(
    family: str,
    root: Path,
    period: date,
    files: list[DataFile],
    places: dict[Path, Place],
    listed: list[_Listed],
    plan: LayoutPlan,
) -> Stream | None:
    folders: dict[str | None, list[DataFile]] = {}
    for data_file in files:
        folders.setdefault(places[data_file.path].delivery_folder, []).append(data_file)
    file_set = {f.path for f in files}
    own = [entry for entry in listed if set(entry.files) & file_set]
    label = period_label(period)
    if None in folders and len(folders) > 1:
        plan.notes.append(
            f"{label} of {root}: files both directly in the period folder and in delivery folders; "
            "loaded as loose files."
        )
        plan.loose_files += files
        return None
    if None in folders:
        layout = {"legacy": LEGACY_OVERWRITE, "athena": ATHENA, "cur2": CUR2_OVERWRITE}[family]
        delivery = _overwritten_delivery(family, root, label, folders[None], own, plan)
        if delivery is None:
            return None
        return Stream(layout, root, period, [delivery], "overwrite layout, one delivery at a time")
    if family == "cur2":
        return _cur2_versioned(root, period, folders, own, plan)
    return _legacy_versioned(root, period, folders, own, plan)


def _overwritten_delivery(
    family: str, root: Path, label: str, files: list[DataFile], own: list[_Listed], plan: LayoutPlan
) -> LayoutDelivery | None:
    """The one delivery of an overwrite layout, refused when the sync caught AWS overwriting it."""
    if not own:
        if family == "athena":
            return LayoutDelivery(f"{label} ({root.name})", tuple(files), (), None)
        plan.notes.append(
            f"{label} of {root}: no manifest yet (AWS writes it after the data files): still being delivered; "
            "not loaded."
        )
        return None
    newest = max(own, key=lambda entry: entry.manifest.path.stat().st_mtime)
    manifest_time = newest.manifest.path.stat().st_mtime
    listed_files = {path for entry in own for path in entry.files}
    kept = []
    for data_file in files:
        if data_file.path.stat().st_mtime > manifest_time:
            raise CurLoadError(
                f"{data_file.path} is newer than its manifest {newest.manifest.path}: AWS was overwriting "
                f"billing period {label} while it was synced, so the folder mixes two deliveries. "
                "Sync again once AWS has written the new manifest."
            )
        if data_file.path in listed_files:
            kept.append(data_file)
        else:
            plan.notes.append(f"{data_file.path} is not listed by the manifest {newest.manifest.path}; ignored.")
    return LayoutDelivery(
        newest.manifest.path.parent.name,
        tuple(kept),
        tuple(entry.manifest.path for entry in own),
        newest.manifest.assembly_id,
    )


def _complete_folders(
    folders: dict[str | None, list[DataFile]], own: list[_Listed]
) -> tuple[dict[str, LayoutDelivery], list[str]]:
    """Delivery folders every file of which a manifest lists (complete), and the others."""
    complete: dict[str, LayoutDelivery] = {}
    incomplete: list[str] = []
    for name, files in folders.items():
        if name is None:
            continue
        paths = {f.path for f in files}
        covering = [entry for entry in own if set(entry.files) & paths]
        listed = {path for entry in covering for path in entry.files}
        if not covering or not paths <= listed:
            incomplete.append(name)
            continue
        assembly = next(
            (e.manifest.assembly_id for e in covering if not manifest_is_period_level(e.manifest.path)),
            covering[0].manifest.assembly_id,
        )
        complete[name] = LayoutDelivery(
            name, tuple(sorted(files, key=lambda f: f.path)), tuple(e.manifest.path for e in covering), assembly
        )
    return complete, incomplete


def _cur2_versioned(
    root: Path, period: date, folders: dict[str | None, list[DataFile]], own: list[_Listed], plan: LayoutPlan
) -> Stream | None:
    label = period_label(period)
    times = {name: delivery_time(name) for name in folders if name is not None}
    if any(time is None for time in times.values()):
        plan.notes.append(
            f"{label} of {root}: delivery folders not named <time>-<execution id>; loaded as loose files."
        )
        plan.loose_files += [f for files in folders.values() for f in files]
        return None
    complete, incomplete = _complete_folders(folders, own)
    known = {name: time for name, time in times.items() if time is not None}
    newest_complete = max((known[name] for name in complete), default=None)
    for name in sorted(incomplete):
        still_written = newest_complete is None or known[name] > newest_complete
        why = "newer than the newest manifest: still being written" if still_written else "listed by no manifest"
        plan.notes.append(f"{label}: delivery {name} of {root} is {why}; not loaded.")
    if not complete:
        return None
    ordered = sorted(complete.values(), key=lambda d: (known[d.name], d.name))
    return Stream(CUR2_VERSIONED, root, period, ordered, "delivery time in the folder names")


def _legacy_versioned(
    root: Path, period: date, folders: dict[str | None, list[DataFile]], own: list[_Listed], plan: LayoutPlan
) -> Stream | None:
    label = period_label(period)
    complete, incomplete = _complete_folders(folders, own)
    current_names = {
        places_folder
        for entry in own
        if manifest_is_period_level(entry.manifest.path)
        for places_folder in {path.parent.name for path in entry.files}
        if places_folder in complete
    }
    if len(complete) > 1 and len(current_names) != 1:
        # no period manifest naming the current assembly: the order is unknown, so the one-delivery check decides
        plan.loose_files += [f for files in folders.values() for f in files]
        plan.loose_manifests += sorted({path for d in complete.values() for path in d.manifests})
        return None
    for name in sorted(incomplete):
        plan.notes.append(
            f"{label}: assembly {name} of {root} is listed by no manifest (still being written, or its manifest "
            "was not synced); not loaded."
        )
    if not complete:
        return None
    current = next(iter(current_names), next(iter(complete)))
    earlier = sorted(
        (d for name, d in complete.items() if name != current),
        key=lambda d: (sum(f.size for f in d.files), d.name),
    )
    return Stream(
        LEGACY_VERSIONED,
        root,
        period,
        [*earlier, complete[current]],
        # AWS's files do not date the earlier assemblies; each holds the month so far, so a later one is larger
        "the period's manifest names the current assembly, earlier ones by size",
    )


def _athena_status(root: Path) -> str | None:
    """READY / UPDATING from ``cost_and_usage_data_status`` beside an Athena export; refused while UPDATING."""
    folder = root / STATUS_FOLDER
    if not folder.is_dir():
        return None
    files = sorted(path for path in folder.rglob("*") if path.is_file() and not path.name.startswith("."))
    if not files:
        return None
    statuses: set[str] = set()
    con = duckdb.connect()
    try:
        for path in files:
            try:
                query = f"select distinct cast(status as varchar) from read_parquet({sql_string(str(path))})"
                statuses |= {str(row[0]).upper() for row in con.execute(query).fetchall()}
            except duckdb.Error as error:
                raise CurLoadError(
                    f"{path} cannot be read as the Athena status table (a Parquet file with a status column): "
                    f"{str(error).splitlines()[0]}"
                ) from error
    finally:
        con.close()
    if "UPDATING" in statuses:
        raise CurLoadError(
            f"{folder} says UPDATING: AWS is rewriting the report under {root}, so its files may mix two "
            "deliveries. Sync again once it says READY."
        )
    return "READY"
