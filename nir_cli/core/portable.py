"""What differs between Windows and the POSIX systems, in one place: file locks, who may read
a token file, process control, and glibc's memory tuning.

Each function branches on `sys.platform == "win32"` at call time (mypy understands it: CI
checks the Windows branches with `mypy --platform win32`), never on `hasattr(os, ...)`.
Nothing here imports a module only one of the systems has until a branch of that system runs:
`fcntl`, `pwd`, `grp` and `termios` are never imported at all (POSIX file locks are
`os.lockf`), `msvcrt` and `ctypes.windll` only on Windows.
"""

from __future__ import annotations

import os
import signal
import stat
import sys
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

# How often a waiting Windows lock tries again (msvcrt has no lock that waits for ever).
_RETRY_SECONDS = 0.02


# One lock per file path for the threads of this process (os.lockf's lock is the process's).
_GUARD = threading.Lock()
_THREAD_LOCKS: dict[str, threading.Lock] = {}


class LockHeld(Exception):
    """The lock is held by another process or thread, and the caller would not wait."""


class FileLock:
    """An exclusive lock on a file, held by one thread of one process at a time; when the
    process ends, however it ends (kill -9, TerminateProcess, a power cut), the system lets
    go of it and nothing is left to clean up.

    POSIX: `os.lockf` (a record lock; its lock is the process's, so a lock per path inside the
    process keeps two threads apart, and the file is open only while the lock is held:
    closing any descriptor of a file drops a process's record locks). Windows: `msvcrt.locking`
    on the first byte."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.path.abspath(path)
        with _GUARD:
            self._thread_lock = _THREAD_LOCKS.setdefault(self.path, threading.Lock())
        self._fd = -1

    def acquire(self, wait: bool = True) -> None:
        """Take the lock; with `wait=False`, raise LockHeld at once when it is taken."""
        if not self._thread_lock.acquire(blocking=wait):
            raise LockHeld(self.path)
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
            try:
                _lock(fd, wait)
            except BaseException:
                os.close(fd)
                raise
            self._fd = fd
        except BaseException:
            self._thread_lock.release()
            raise

    def release(self) -> None:
        fd, self._fd = self._fd, -1
        try:
            _unlock(fd)
        finally:
            os.close(fd)
            self._thread_lock.release()

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def _lock(fd: int, wait: bool) -> None:
    if sys.platform == "win32":
        import msvcrt

        while True:
            try:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                return
            except OSError:  # EACCES or EDEADLOCK: another handle holds the byte
                if not wait:
                    raise LockHeld(fd) from None
                time.sleep(_RETRY_SECONDS)
    else:
        try:
            os.lockf(fd, os.F_LOCK if wait else os.F_TLOCK, 0)
        except (BlockingIOError, PermissionError):  # EAGAIN or EACCES, as POSIX allows both
            raise LockHeld(fd) from None


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        os.lockf(fd, os.F_ULOCK, 0)


# -- token files ------------------------------------------------------------------------------

# Groups whose read access makes a token file readable by other people: Everyone,
# Anonymous, Authenticated Users, Users, Guests (well-known SIDs; the same on every language
# of Windows), and a domain's Domain Users and Domain Guests (RIDs 513, 514).
_BROAD_SIDS = frozenset({"S-1-1-0", "S-1-5-7", "S-1-5-11", "S-1-5-32-545", "S-1-5-32-546"})
_BROAD_DOMAIN_RIDS = ("-513", "-514")


def token_file_problem(path: Path, info: os.stat_result) -> tuple[str, str] | None:
    """Why a token file must not be used (a reason and a hint), or None when only its owner
    can read it. POSIX: mode 0600 (nothing for group or others) and owned by this user.
    Windows: under this user's profile folder, and its access list grants no read to a broad
    group (Everyone, Users, Authenticated Users, Guests, Anonymous, Domain Users)."""
    if sys.platform == "win32":
        return windows_token_problem(path, Path.home(), _dacl_readers(path))
    from nir_cli.core.i18n import _

    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        return (
            _("token file {path} has mode {mode}; it must be 0600").format(
                path=path, mode=f"{mode:04o}"
            ),
            f"chmod 600 {path}",
        )
    if info.st_uid != os.getuid():
        return _("token file {path} belongs to another user").format(path=path), ""
    return None


def windows_token_problem(
    path: Path, home: Path, readers: list[str] | None
) -> tuple[str, str] | None:
    """Windows' judgement of a token file, from what was read of it: its path, the user's
    profile folder, and the SIDs its access list lets read it (None: no access list at all,
    which lets everyone in)."""
    from nir_cli.core.i18n import _

    hint = _("keep it under your profile folder, e.g. {path}").format(
        path=home / "AppData" / "Local" / "nir" / path.name
    )
    try:
        Path(os.path.abspath(path)).relative_to(os.path.abspath(home))
    except ValueError:
        return _("token file {path} is outside your profile folder {home}").format(
            path=path, home=home
        ), hint
    broad = sorted(
        sid
        for sid in (readers if readers is not None else ["S-1-1-0"])
        if sid in _BROAD_SIDS or (sid.startswith("S-1-5-21-") and sid.endswith(_BROAD_DOMAIN_RIDS))
    )
    if broad:
        return _("token file {path} can be read by other users ({sids})").format(
            path=path, sids=", ".join(broad)
        ), f'icacls "{path}" /inheritance:r /grant:r "%USERNAME%:F"'
    return None


def _dacl_readers(path: Path) -> list[str] | None:
    """The SIDs a file's access list allows to read it (Windows), or None without a list."""
    if sys.platform != "win32":
        raise NotImplementedError("access lists are read on Windows only")
    import ctypes
    from ctypes import wintypes

    advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    se_file_object, dacl_security_information = 1, 4
    read_rights = 0x0001 | 0x80000000 | 0x10000000  # FILE_READ_DATA, GENERIC_READ, GENERIC_ALL
    # ACCESS_ALLOWED_ACE and ACCESS_ALLOWED_CALLBACK_ACE: the SID right after the mask. The
    # object ACEs (types 5 and 11) put GUIDs before it; they belong to directory objects,
    # not files, and are passed over rather than misread.
    access_allowed_types = {0, 9}

    class AceHeader(ctypes.Structure):
        _fields_ = [("type", ctypes.c_ubyte), ("flags", ctypes.c_ubyte), ("size", wintypes.WORD)]

    class AccessAllowedAce(ctypes.Structure):
        _fields_ = [("header", AceHeader), ("mask", wintypes.DWORD), ("sid_start", wintypes.DWORD)]

    class AclSizeInformation(ctypes.Structure):
        _fields_ = [
            ("ace_count", wintypes.DWORD),
            ("bytes_in_use", wintypes.DWORD),
            ("bytes_free", wintypes.DWORD),
        ]

    dacl = ctypes.c_void_p()
    descriptor = ctypes.c_void_p()
    failed = advapi32.GetNamedSecurityInfoW(
        ctypes.c_wchar_p(str(path)),
        se_file_object,
        dacl_security_information,
        None,
        None,
        ctypes.byref(dacl),
        None,
        ctypes.byref(descriptor),
    )
    if failed:
        raise OSError(failed, "GetNamedSecurityInfoW", str(path))
    try:
        if not dacl.value:
            return None
        size = AclSizeInformation()
        if not advapi32.GetAclInformation(dacl, ctypes.byref(size), ctypes.sizeof(size), 2):
            raise ctypes.WinError(ctypes.get_last_error())
        readers = []
        for index in range(size.ace_count):
            ace = ctypes.c_void_p()
            if not advapi32.GetAce(dacl, index, ctypes.byref(ace)):
                raise ctypes.WinError(ctypes.get_last_error())
            entry = ctypes.cast(ace, ctypes.POINTER(AccessAllowedAce)).contents
            if entry.header.type not in access_allowed_types or not entry.mask & read_rights:
                continue
            if entry.header.flags & 0x08:  # INHERIT_ONLY_ACE: not about the file itself
                continue
            sid = ctypes.c_void_p((ace.value or 0) + AccessAllowedAce.sid_start.offset)
            text = wintypes.LPWSTR()
            if not advapi32.ConvertSidToStringSidW(sid, ctypes.byref(text)):
                raise ctypes.WinError(ctypes.get_last_error())
            readers.append(str(text.value))
            kernel32.LocalFree(text)
        return readers
    finally:
        kernel32.LocalFree(descriptor)


# -- the keyring ------------------------------------------------------------------------------


def desktop_bus() -> bool:
    """Whether the desktop's keyring can be reached: on Linux only through a D-Bus session bus
    (none over SSH or in cron); Windows' Credential Manager and macOS' Keychain need none."""
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DBUS_SESSION_BUS_ADDRESS"))
    return True


# -- processes --------------------------------------------------------------------------------

_STILL_ACTIVE = 259
_PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
# subprocess' names for these exist on Windows only
_CREATE_NEW_PROCESS_GROUP = 0x00000200
_DETACHED_PROCESS = 0x00000008


def process_alive(pid: int) -> bool:
    """Whether a process with this id is running (on Windows, `os.kill(pid, 0)` would end it)."""
    if sys.platform == "win32":
        import ctypes
        from ctypes import wintypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        kernel32.OpenProcess.restype = wintypes.HANDLE  # a pointer-sized handle, not an int
        kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
        kernel32.GetExitCodeProcess.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
        kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
        handle = kernel32.OpenProcess(_PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
        if not handle:
            return ctypes.get_last_error() == 5  # ERROR_ACCESS_DENIED: it exists, not ours
        try:
            code = wintypes.DWORD()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return False
            return code.value == _STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def terminate(pid: int) -> None:
    """Ask a process to end: SIGTERM on POSIX (uvicorn shuts down cleanly); on Windows
    TerminateProcess, as a detached process has no console to send Ctrl-Break to (the
    registry's database survives it as it survives a power cut)."""
    try:
        os.kill(pid, signal.SIGTERM)  # on Windows: TerminateProcess(pid, 15)
    except (ProcessLookupError, PermissionError, OSError):
        if process_alive(pid):
            raise


def kill_self() -> None:
    """End this process at once, as kill -9 or Task Manager's End task would (the crash
    tests' hook)."""
    if sys.platform == "win32":
        os.kill(os.getpid(), signal.SIGTERM)  # TerminateProcess: no handlers, no cleanup
    else:
        os.kill(os.getpid(), signal.SIGKILL)


def background_process_options(detached: bool) -> dict[str, Any]:
    """`subprocess.Popen` keywords for a server that outlives the command starting it: its
    own session on POSIX (a Ctrl-C in the terminal does not reach it); on Windows its own
    process group without a console, so closing the window does not end it."""
    if not detached:
        return {}
    if sys.platform == "win32":
        return {"creationflags": _CREATE_NEW_PROCESS_GROUP | _DETACHED_PROCESS}
    return {"start_new_session": True}


# -- memory -----------------------------------------------------------------------------------

_M_MMAP_THRESHOLD = -3  # glibc's <malloc.h>


def return_freed_memory() -> None:
    """Let go of large blocks the moment they are freed (glibc): a body of megabytes is then
    given back to the system when its request ends, instead of staying in the heap (glibc
    raises its threshold for that after the first large block is freed, so later ones would
    stay). Elsewhere (Windows, macOS, musl), nothing to do."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if name is None:
        return
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt(_M_MMAP_THRESHOLD, 1024 * 1024)  # a fixed threshold: no dynamic raise
    except (OSError, AttributeError):
        return
