"""What a finance load did, for the command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class LoadedFile:
    path: Path
    kind: str
    row_count: int


@dataclass
class FinanceLoadReport:
    target: str
    files: list[LoadedFile] = field(default_factory=list)

    def summary_table(self) -> str:
        lines = [f"cloudcost load-finance: {len(self.files)} file(s) loaded into {self.target}"]
        width = max((len(str(f.path)) for f in self.files), default=4)
        for file in self.files:
            lines.append(f"  {str(file.path):<{width}}  {file.kind:<16} {file.row_count:>8} rows")
        return "\n".join(lines)
