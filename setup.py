"""Build hook (everything else is in pyproject.toml): a built install carries the dbt project.

`pip install .` (not editable) copies the dbt project's folders and files into the package as
cloudcost/dbt_project, which cloudcost.settings.locate_project finds when no checkout is around. An editable
install reads the checkout itself.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DBT_FOLDERS = ("models", "macros", "seeds", "snapshots", "analyses", "data-tests", "docs")
DBT_FILES = ("dbt_project.yml", "selectors.yml", "profiles.example.yml")


class BuildPyWithDbtProject(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        bundled = Path(self.build_lib) / "cloudcost" / "dbt_project"
        shutil.rmtree(bundled, ignore_errors=True)
        bundled.mkdir(parents=True)
        for folder in DBT_FOLDERS:
            if (ROOT / folder).is_dir():
                shutil.copytree(ROOT / folder, bundled / folder, ignore=shutil.ignore_patterns("__pycache__"))
        for name in DBT_FILES:
            shutil.copy2(ROOT / name, bundled / name)


setup(cmdclass={"build_py": BuildPyWithDbtProject})
