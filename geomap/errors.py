"""geomap's exceptions: one base class, mixed with builtins where they fit."""

from __future__ import annotations


class GeomapError(Exception):
    """Base class of every error geomap raises on purpose."""


class InputError(GeomapError, ValueError):
    """Bad input: names the file, line and problem.

    ``str(err)`` is the one-line message shown to users, ``FILE:LINE: problem``.
    """

    def __init__(self, problem: str, *, path: str | None = None, line: int | None = None):
        self.problem = problem
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{problem}")


class OutputError(GeomapError):
    """A file or folder could not be written: ``str(err)`` is ``PATH: problem``.

    Whatever was on disk at PATH before is left as it was.
    """

    def __init__(self, problem: str, *, path: str):
        self.problem = problem
        self.path = path
        super().__init__(f"{path}: {problem}")


class GazetteerError(InputError):
    """A gazetteer file is unreadable or has bad rows."""

    def __init__(
        self,
        problem: str,
        *,
        path: str | None = None,
        line: int | None = None,
        problems: list[InputError] | None = None,
    ):
        super().__init__(problem, path=path, line=line)
        self.problems = problems or [self]


class BatchError(GeomapError, RuntimeError):
    """A batch run cannot start or go on: a busy or foreign output folder, a missing engine."""
