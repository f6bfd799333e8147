"""Files nir writes for people (exports, rejects, tokens, the config): whole or not at all.

Each is written to a temporary file in the same folder (mode 0600), flushed to disk, then
renamed over the target, so a crash or a full disk never leaves half a file and an old file
stays as it was until the new one is complete. A target that is a symbolic link is refused
rather than followed: an export must not land wherever a link someone planted points.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from nir_cli.core.errors import InvalidData, NirError, PermissionDenied, WriteFailed
from nir_cli.core.i18n import _

# errno values that mean the disk refused the write, not that the path is wrong.
_DISK_ERRORS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EIO, errno.EROFS}


def check_target(path: Path) -> None:
    """Refuse a symbolic link or anything but a regular file (or nothing) at `path`."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise PermissionDenied(
            _("{path} is a symbolic link; nir does not write through links").format(path=path),
            hint=_("give the real path, or remove the link"),
        )
    if not stat.S_ISREG(info.st_mode):
        raise InvalidData(
            _("{path} is not a regular file; nir writes only to files").format(path=path)
        )


def write_failed(exc: OSError, path: Path) -> NirError | OSError:
    """A full disk or write error as a WriteFailed naming the path; other errors as they are."""
    if exc.errno in _DISK_ERRORS:
        return WriteFailed(
            _("disk full or write error at {path} ({error}); the file was not written").format(
                path=path, error=os.strerror(exc.errno or 0)
            ),
            hint=_("free some space (df -h) and run again"),
        )
    if isinstance(exc, PermissionError):
        return PermissionDenied(_("cannot write {path}: permission denied").format(path=path))
    if isinstance(exc, FileNotFoundError):
        return InvalidData(_("cannot write {path}: its folder does not exist").format(path=path))
    return exc


class AtomicFile:
    """A text file being written under a temporary name; `commit` puts it in place."""

    def __init__(self, path: Path, *, encoding: str = "utf-8", newline: str | None = None) -> None:
        check_target(path)
        self.path = path
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        except OSError as exc:
            raise write_failed(exc, path) from None
        self.tmp = Path(tmp)  # mkstemp makes it 0600, readable by its owner only
        self.handle: TextIO = os.fdopen(fd, "w", encoding=encoding, newline=newline)

    def commit(self) -> None:
        """Flush to disk and rename over the target (mode 0600 whatever the old file's)."""
        try:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()
            os.replace(self.tmp, self.path)
        except OSError as exc:
            self.discard()
            raise write_failed(exc, self.path) from None

    def discard(self) -> None:
        # The write that failed is the error to report, not the close after it.
        with contextlib.suppress(OSError):
            self.handle.close()
        self.tmp.unlink(missing_ok=True)


@contextmanager
def atomic_write(
    path: Path, *, encoding: str = "utf-8", newline: str | None = None
) -> Iterator[TextIO]:
    """Write `path` whole or not at all; see the module doc."""
    target = AtomicFile(path, encoding=encoding, newline=newline)
    try:
        yield target.handle
    except OSError as exc:
        target.discard()
        raise write_failed(exc, path) from None
    except BaseException:
        target.discard()
        raise
    target.commit()
