"""Every file and folder given to a load must be readable: a part of a delivery is never skipped in silence.

Python's folder walk passes over a sub-folder it may not list and a link that leads nowhere without a
word, so a delivery with one unreadable part would load partially (money missing). This walk refuses
instead, naming the path. Hidden entries (``.name``) are not part of a delivery and are not looked at.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from cloudcost.loader.errors import CurLoadError

_FIX = "Make it readable (permissions, a broken link, a failing disk) or remove it, then run again"


def _refuse(path: Path, why: str) -> CurLoadError:
    return CurLoadError(f"{why}; a delivery is never loaded in part", file=path, fix=_FIX)


def _check_file(path: Path) -> None:
    if not path.exists():
        raise _refuse(path, "is a link that leads nowhere" if path.is_symlink() else "does not exist")
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError as error:
        raise _refuse(path, f"cannot be read ({error.strerror or error})") from error


def _check_folder(folder: Path) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        raise _refuse(folder, f"is a folder that cannot be listed ({error.strerror or error})") from error
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=True):
            _check_folder(path)
        else:
            _check_file(path)


def check_readable(paths: Sequence[str | Path]) -> None:
    """Refuse the first path (given, or inside a given folder) that cannot be read or listed."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            _check_folder(path)
        elif path.exists() or path.is_symlink():
            _check_file(path)
