"""Writing files so that nothing on disk is ever half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from geomap.errors import OutputError


def new_file_mode() -> int:
    """The permissions a newly created file gets here: ``0o666 & ~umask``."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: str | os.PathLike, data: bytes | str, *, fsync: bool = True) -> Path:
    """Replace path's content with data, all or nothing (temp file, fsync, rename).

    ``fsync=False`` leaves the data to reach the disk in its own time: the rename is still
    all or nothing for the processes on this machine, but a machine crash can leave the file
    short (for files whose reader tells, such as a batch run's chunk files).
    An existing file keeps its permissions; a new one gets the usual ``0o666 & ~umask``.
    On any failure, Ctrl-C included, the old file is untouched and no temp file remains;
    a failed write (read-only folder, full disk) raises OutputError naming path.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise _cannot_write(path, err) from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            if fsync:
                out.flush()
                os.fsync(out.fileno())
        mode = path.stat().st_mode & 0o7777 if path.exists() else new_file_mode()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise _cannot_write(path, err) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _cannot_write(path: Path, err: OSError) -> OutputError:
    return OutputError(f"cannot write ({err.strerror or err})", path=str(path))
