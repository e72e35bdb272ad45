"""Small writers for case files: a CSV from lines, raw bytes, several files, a path that does not exist."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable, Mapping
from pathlib import Path

Writer = Callable[[Path], list[Path]]


def csv_line(header: str, values: Mapping[str, str], **changes: str) -> str:
    """One CSV line of the header's columns, from `values` with some replaced (quoted where CSV needs it)."""
    merged = {**values, **changes}
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([merged[name] for name in header.split(",")])
    return buffer.getvalue()


def text_file(name: str, *lines: str, encoding: str = "utf-8") -> Writer:
    """A file of these lines (each ends with a newline), in the given encoding."""

    def write(folder: Path) -> list[Path]:
        path = folder / name
        path.write_bytes("".join(f"{line}\n" for line in lines).encode(encoding))
        return [path]

    return write


def bytes_file(name: str, content: bytes) -> Writer:
    def write(folder: Path) -> list[Path]:
        path = folder / name
        path.write_bytes(content)
        return [path]

    return write


def gzip_file(name: str, *lines: str) -> Writer:
    def write(folder: Path) -> list[Path]:
        path = folder / name
        path.write_bytes(gzip.compress("".join(f"{line}\n" for line in lines).encode()))
        return [path]

    return write


def truncated_gzip_file(name: str, *lines: str) -> Writer:
    """A gzip file cut in half, as an interrupted copy leaves it."""

    def write(folder: Path) -> list[Path]:
        path = folder / name
        content = gzip.compress("".join(f"{line}\n" for line in lines).encode())
        path.write_bytes(content[: len(content) // 2])
        return [path]

    return write


def several(*writers: Writer) -> Writer:
    """All the files of several writers, loaded together in one call."""

    def write(folder: Path) -> list[Path]:
        return [path for writer in writers for path in writer(folder)]

    return write


def empty_folder(name: str) -> Writer:
    def write(folder: Path) -> list[Path]:
        path = folder / name
        path.mkdir()
        return [path]

    return write


def missing_path(name: str) -> Writer:
    def write(folder: Path) -> list[Path]:
        return [folder / name]

    return write
