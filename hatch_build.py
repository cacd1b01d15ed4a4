"""Build hook: compile the bundled places into the wheel, so an installed geomap never waits
for its gazetteer index.

hatchling runs this while it builds a wheel (``pip install .``, ``pip wheel .``). The index
of the bundled CSVs is built with geomap's own code from this source tree and added to the
wheel next to the CSVs, as ``geomap/gazetteer_data/bundled-<key>.sqlite`` (about 77 MB,
27 MB compressed). Editable installs skip it: they read the checkout's CSVs and build the
index into the cache on first use.
"""

from __future__ import annotations

import importlib
import shutil
import sys
import tempfile
import time
import types
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def _gazetteer_module(root: Path) -> types.ModuleType:
    """geomap.gazetteer from this source tree, imported without ``geomap/__init__.py``
    (whose imports need the run-time dependencies, absent from an isolated build)."""
    saved = {name: module for name, module in sys.modules.items()
             if name == "geomap" or name.startswith("geomap.")}
    for name in saved:
        del sys.modules[name]
    package = types.ModuleType("geomap")
    package.__path__ = [str(root / "geomap")]
    sys.modules["geomap"] = package
    try:
        return importlib.import_module("geomap.gazetteer")
    finally:
        for name in [n for n in sys.modules if n == "geomap" or n.startswith("geomap.")]:
            del sys.modules[name]
        sys.modules.update(saved)


class CustomBuildHook(BuildHookInterface):
    """Adds the bundled places' SQLite index to the wheel."""

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        gazetteer = _gazetteer_module(root)
        files = gazetteer.bundled_files()
        name = gazetteer.packaged_index_name(files)
        self._folder = Path(tempfile.mkdtemp(prefix="geomap-index-"))
        target = self._folder / name
        self.app.display_info(f"Compiling the bundled gazetteer ({len(files)} files) into "
                              f"{name} ...")
        start = time.monotonic()
        gazetteer.build_index(files, target, key=name)
        self.app.display_info(f"  {target.stat().st_size / 1e6:.0f} MB in "
                              f"{time.monotonic() - start:.0f} s")
        build_data["force_include"][str(target)] = f"geomap/gazetteer_data/{name}"

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        folder = getattr(self, "_folder", None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
