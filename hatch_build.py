"""Build hook: compile the bundled places into the wheel, so an installed geomap never waits
for its gazetteer index.

hatchling runs this while it builds a wheel (``pip install .``, ``pip wheel .``). The index
of the bundled CSVs is built with geomap's own code from this source tree and added to the
wheel next to the CSVs, as ``geomap/gazetteer_data/bundled-<key>.sqlite`` (about 77 MB,
27 MB compressed). Editable installs skip it: they read the checkout's CSVs and build the
index into the cache on first use.

It then compiles the parser's modules (:data:`COMPILED`) to C extensions with mypyc, which
parse some 1.4 times faster, when mypyc and a C compiler are there; if either is missing or
the compilation fails, the wheel stays pure Python (and says why). Editable installs stay
pure Python.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def _gazetteer_module(root: Path) -> types.ModuleType:
    """geomap.gazetteer from this source tree, imported without ``geomap/__init__.py``
    (whose imports need the run-time dependencies, absent from an isolated build)."""
    saved = {
        name: module
        for name, module in sys.modules.items()
        if name == "geomap" or name.startswith("geomap.")
    }
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


#: The modules a parse spends its time in (``python benchmarks/bench_parse.py --stages``),
#: compiled by mypyc; the rest of geomap (I/O, the CLI, maps) gains little and stays Python.
COMPILED = (
    "claims",
    "demonyms",
    "extract",
    "geometry",
    "lookups",
    "names",
    "records",
    "resolve",
    "statements",
    "text",
    "variants",
)

# Run in a scratch copy of the package, so that the build leaves nothing in the source tree.
# Missing imports are ignored: the build environment lacks geomap's run-time dependencies,
# which the compiled modules reach only through untyped (Any) calls.
_MYPYC_SETUP = """
import sys
from setuptools import setup
from mypyc.build import mypycify

extensions = mypycify(
    ["--config-file", sys.argv[1], "--ignore-missing-imports", *sys.argv[2:]], opt_level="3"
)
setup(name="geomap-compiled", ext_modules=extensions, script_args=["build_ext", "--inplace"])
"""


def compile_modules(root: Path, scratch: Path) -> tuple[dict[str, str], str]:
    """Compile :data:`COMPILED` with mypyc in ``scratch``: the extension files to add to the
    wheel (path in ``scratch`` -> path in the wheel), or none and the reason."""
    try:
        import mypyc.build  # noqa: F401
    except ImportError as err:
        return {}, f"mypyc cannot be imported ({err})"
    shutil.copytree(
        root / "geomap",
        scratch / "geomap",
        ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd", "*.c", "*.pyc"),
    )
    command = [sys.executable, "-c", _MYPYC_SETUP, str(root / "pyproject.toml")]
    command += [f"geomap/{name}.py" for name in COMPILED]
    result = subprocess.run(command, cwd=scratch, capture_output=True, text=True)
    if result.returncode != 0:
        last = (result.stderr.strip() or result.stdout.strip() or "?").splitlines()[-1]
        return {}, f"mypyc failed: {last[:300]}"
    built = sorted(scratch.glob("*.so")) + sorted(scratch.glob("*.pyd"))
    built += sorted((scratch / "geomap").glob("*.so")) + sorted((scratch / "geomap").glob("*.pyd"))
    compiled = {str(path): path.relative_to(scratch).as_posix() for path in built}
    names = {Path(target).name.partition(".")[0] for target in compiled.values()}
    if not set(COMPILED) <= names:
        return {}, f"mypyc built {sorted(names)}, not all of {list(COMPILED)}"
    return compiled, ""


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
        self.app.display_info(
            f"Compiling the bundled gazetteer ({len(files)} files) into {name} ..."
        )
        start = time.monotonic()
        gazetteer.build_index(files, target, key=name)
        self.app.display_info(
            f"  {target.stat().st_size / 1e6:.0f} MB in {time.monotonic() - start:.0f} s"
        )
        build_data["force_include"][str(target)] = f"geomap/gazetteer_data/{name}"

        start = time.monotonic()
        compiled, why_not = compile_modules(root, self._folder / "mypyc")
        if not compiled:
            self.app.display_warning(f"Pure-Python wheel (parsing is slower): {why_not}")
            return
        self.app.display_info(
            f"Compiled {len(COMPILED)} modules with mypyc in {time.monotonic() - start:.0f} s"
        )
        build_data["force_include"].update(compiled)
        # Extension modules: the wheel is tagged for this Python and platform.
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        folder = getattr(self, "_folder", None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
