"""Run one benchmark phase as a child process and measure it: CPU seconds, wall seconds, peak memory.

CPU is user + system time of the child and every descendant it waited for (``os.wait4``'s resource usage,
which on Linux includes the child's own reaped children). Peak memory is the larger of the child's own peak
(``ru_maxrss``: the largest single process) and the largest sum of resident memory over the whole process
tree, sampled from ``/proc`` every 100 ms while the phase runs (where ``/proc`` exists).

A descendant that outlives the child (a Spark JVM: PySpark never waits for it, it stops when the Python
process's pipe to it closes) would escape both: on Linux the measuring process makes itself the child
subreaper, so such orphans become its own children, and it waits for them and adds their CPU to the phase.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.1
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True)
class Measurement:
    name: str
    cpu_seconds: float
    wall_seconds: float
    peak_rss_mib: float
    rows: int | None = None

    @property
    def rows_per_second(self) -> float | None:
        """Rows per wall second (None where the phase has no rows of its own)."""
        if not self.rows or self.wall_seconds <= 0:
            return None
        return self.rows / self.wall_seconds

    def as_dict(self) -> dict[str, float | int | None]:
        rate = self.rows_per_second
        return {
            "cpu_seconds": round(self.cpu_seconds, 2),
            "wall_seconds": round(self.wall_seconds, 2),
            "peak_rss_mib": round(self.peak_rss_mib, 1),
            "rows": self.rows,
            "rows_per_second": round(rate) if rate else None,
        }


def _children_by_parent() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # the command name (2nd field) may hold spaces: the parent id is the 2nd field after its ")"
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry))
    return tree


def tree_rss_bytes(root: int, seen: set[int] | None = None) -> int:
    """Resident memory of ``root`` and all its descendants now (0 where /proc cannot be read); the pids of
    the tree are added to ``seen``."""
    if not os.path.isdir("/proc"):
        return 0
    tree = _children_by_parent()
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        if seen is not None:
            seen.add(pid)
        pending += tree.get(pid, [])
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total


class _Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.seen: set[int] = set()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, tree_rss_bytes(self.pid, self.seen))
            self.done.wait(SAMPLE_SECONDS)


_PR_SET_CHILD_SUBREAPER = 36


def _set_subreaper(on: bool) -> bool:
    """Make (or stop making) orphaned descendants this process's children (Linux ``prctl``); False where that
    is unavailable."""
    import ctypes
    import ctypes.util

    if not os.path.isdir("/proc"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        return libc.prctl(_PR_SET_CHILD_SUBREAPER, int(on), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _reap_orphans(seen: set[int]) -> float:
    """Wait for the descendants seen during the phase that are now this process's children (orphaned when
    their parent ended); their CPU seconds. Others (reaped by their own parent) are skipped."""
    seconds = 0.0
    for pid in sorted(seen):
        try:
            _, _, usage = os.wait4(pid, 0)
        except ChildProcessError:
            continue
        seconds += usage.ru_utime + usage.ru_stime
    return seconds


def run_measured(
    name: str, command: Sequence[str], env: dict[str, str], log: Path, cwd: Path, rows: int | None = None
) -> Measurement:
    """Run ``command``; its output goes to ``log``. Raises RuntimeError when it fails."""
    reaping = _set_subreaper(True)
    started = time.perf_counter()
    with log.open("ab") as sink:
        sink.write(f"\n== {name}: {' '.join(command)}\n".encode())
        sink.flush()
        process = subprocess.Popen(list(command), env=env, cwd=cwd, stdout=sink, stderr=subprocess.STDOUT)
        sampler = _Sampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        sampler.done.set()
        sampler.join()
        orphans_cpu = _reap_orphans(sampler.seen - {process.pid}) if reaping else 0.0
        if reaping:
            _set_subreaper(False)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{name} failed (exit {process.returncode}); see {log}")
    peak = max(sampler.peak, usage.ru_maxrss * 1024)
    return Measurement(name, usage.ru_utime + usage.ru_stime + orphans_cpu, wall, peak / (1 << 20), rows)
