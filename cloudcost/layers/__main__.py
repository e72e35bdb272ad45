"""``python -m cloudcost.layers``: rewrite the files generated from the cost layer reference tables."""

from __future__ import annotations

from cloudcost.layers.generate import write_files

if __name__ == "__main__":
    written = write_files()
    print("\n".join(f"rewrote {path}" for path in written) or "every generated cost layer file is current")
