"""nir_cli.core.portable: the one place where Windows and POSIX differ. The POSIX branches run for
real here; each Windows branch runs with the platform faked where it uses only portable calls
(process control), and where it needs what only Windows has (msvcrt, access lists) its
judgement is tested apart from the reading. docs/windows.md says what this cannot show."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
import types
from pathlib import Path

import pytest

from nir_cli.core import portable
from nir_cli.core.portable import FileLock, LockHeld

# -- locks ------------------------------------------------------------------------------------


def test_a_lock_is_one_thread_s_at_a_time_inside_a_process(tmp_path: Path) -> None:
    path = tmp_path / "x.lock"
    first, second = FileLock(path), FileLock(path)
    first.acquire()
    with pytest.raises(LockHeld):
        second.acquire(wait=False)
    got = threading.Event()

    def wait_for_it() -> None:
        with FileLock(path):
            got.set()

    waiter = threading.Thread(target=wait_for_it)
    waiter.start()
    time.sleep(0.2)
    assert not got.is_set()
    first.release()
    waiter.join(5)
    assert got.is_set()
    second.acquire(wait=False)
    second.release()


_HOLDER = textwrap.dedent(
    """
    import sys, time
    from nir_cli.core.portable import FileLock
    lock = FileLock(sys.argv[1])
    lock.acquire()
    print("held", flush=True)
    time.sleep(60)
    """
)


def test_a_lock_held_by_a_process_killed_hard_is_free_again(tmp_path: Path) -> None:
    """kill -9 inside the lock: the system lets go, nothing is left to clean up."""
    path = tmp_path / "x.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LockHeld):
            FileLock(path).acquire(wait=False)
    finally:
        holder.kill()
        holder.wait()
    lock = FileLock(path)
    lock.acquire(wait=False)
    lock.release()


class _FakeMsvcrt(types.ModuleType):
    """msvcrt's byte locks as Windows keeps them: per handle, so a second handle on the same
    file is refused with EACCES, even in the same process. Only what our Windows branch does
    with them is asked here (which byte, retrying, giving it back), not Windows itself."""

    LK_UNLCK, LK_NBLCK = 0, 2

    def __init__(self) -> None:
        super().__init__("msvcrt")
        self.held: dict[str, int] = {}

    def _key(self, fd: int) -> str:
        return os.readlink(f"/proc/self/fd/{fd}")

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        assert nbytes == 1
        assert os.lseek(fd, 0, os.SEEK_CUR) == 0  # the first byte, whatever was read before
        key = self._key(fd)
        if mode == self.LK_NBLCK:
            if key in self.held and self.held[key] != fd:
                raise PermissionError(13, "Permission denied")
            self.held[key] = fd
        elif mode == self.LK_UNLCK:
            assert self.held.pop(key) == fd
        else:
            raise AssertionError(mode)


def test_the_windows_lock_takes_the_first_byte_retries_while_held_and_gives_it_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _FakeMsvcrt()
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(portable, "_RETRY_SECONDS", 0.001)
    path = tmp_path / "x.lock"
    outside = os.open(path, os.O_CREAT | os.O_RDWR)  # as another process' handle would be
    fake.locking(outside, fake.LK_NBLCK, 1)
    lock = FileLock(path)
    with pytest.raises(LockHeld):
        lock.acquire(wait=False)
    threading.Timer(0.05, lambda: fake.locking(outside, fake.LK_UNLCK, 1)).start()
    lock.acquire()  # waits, retrying, until the other handle lets go
    assert outside not in fake.held.values()
    lock.release()
    assert fake.held == {}
    os.close(outside)


# -- token files ------------------------------------------------------------------------------


def test_a_posix_token_file_must_be_0600_and_ours(tmp_path: Path) -> None:
    token = tmp_path / "t"
    token.write_text("x")
    token.chmod(0o644)
    problem = portable.token_file_problem(token, token.stat())
    assert problem is not None
    assert "0644" in problem[0]
    assert problem[1] == f"chmod 600 {token}"
    token.chmod(0o600)
    assert portable.token_file_problem(token, token.stat()) is None


HOME = Path("/home/kari")
TOKEN = HOME / "AppData" / "Local" / "nir" / "nightly.token"
OWNER, SYSTEM, ADMINS = "S-1-5-21-1-2-3-1001", "S-1-5-18", "S-1-5-32-544"


@pytest.mark.parametrize(
    ("readers", "refused_for"),
    [
        ([OWNER, SYSTEM, ADMINS], None),  # a file under the profile inherits these
        ([OWNER], None),
        ([OWNER, "S-1-1-0"], "S-1-1-0"),  # Everyone
        ([OWNER, "S-1-5-32-545"], "S-1-5-32-545"),  # Users
        ([OWNER, "S-1-5-11"], "S-1-5-11"),  # Authenticated Users
        ([OWNER, "S-1-5-21-1-2-3-513"], "S-1-5-21-1-2-3-513"),  # Domain Users
        (None, "S-1-1-0"),  # no access list: everyone may
    ],
)
def test_a_windows_token_file_is_refused_when_a_broad_group_may_read_it(
    readers: list[str] | None, refused_for: str | None
) -> None:
    problem = portable.windows_token_problem(TOKEN, HOME, readers)
    if refused_for is None:
        assert problem is None
    else:
        assert problem is not None
        assert refused_for in problem[0]
        assert "icacls" in problem[1]


def test_a_windows_token_file_outside_the_profile_is_refused() -> None:
    problem = portable.windows_token_problem(Path("/srv/share/nightly.token"), HOME, [OWNER])
    assert problem is not None
    assert "profile" in problem[0]
    assert "AppData" in problem[1]


# -- processes --------------------------------------------------------------------------------


@pytest.mark.parametrize("platform", ["linux", "win32"])
def test_terminate_ends_a_process_on_either_branch(
    platform: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Windows branch calls os.kill(pid, SIGTERM) too (TerminateProcess there)."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert portable.process_alive(child.pid)
        monkeypatch.setattr(sys, "platform", platform)
        portable.terminate(child.pid)
        monkeypatch.undo()
        child.wait(10)
        assert not portable.process_alive(child.pid)
    finally:
        child.kill()
        child.wait()


def test_background_processes_get_a_session_or_a_process_group_of_their_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert portable.background_process_options(detached=False) == {}
    assert portable.background_process_options(detached=True) == {"start_new_session": True}
    monkeypatch.setattr(sys, "platform", "win32")
    windows = portable.background_process_options(detached=True)
    # CREATE_NEW_PROCESS_GROUP | DETACHED_PROCESS, as Windows' headers define them
    assert windows == {"creationflags": 0x200 | 0x8}


def test_the_module_imports_nothing_only_one_system_has() -> None:
    """Run in a fresh interpreter with the POSIX-only modules unimportable."""
    code = textwrap.dedent(
        """
        import sys
        for name in ("fcntl", "pwd", "grp", "termios", "msvcrt"):
            sys.modules[name] = None
        import nir_cli.core.portable
        print("ok")
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr


def test_a_keyring_needs_a_session_bus_on_linux_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert not portable.desktop_bus()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1000/bus")
    assert portable.desktop_bus()
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS")
    for other in ("win32", "darwin"):
        monkeypatch.setattr(sys, "platform", other)
        assert portable.desktop_bus()


def test_the_platform_is_asked_in_one_module_only() -> None:
    """Modules one system lacks are imported in nir_cli/core/portable.py only, and only there does
    code ask which system it is on (version.py prints it)."""
    import ast

    package = Path(portable.__file__).parent
    only_one_system = {"fcntl", "pwd", "grp", "termios", "msvcrt", "winreg", "resource"}
    found = []
    for path in sorted(package.rglob("*.py")):
        where = path.relative_to(package.parent)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            line = getattr(node, "lineno", 0)
            if isinstance(node, ast.Import):
                names = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module.split(".")[0]]
            if set(names) & only_one_system and path.name != "portable.py":
                found.append(f"{where}:{line}: imports {names}")
            if (
                isinstance(node, ast.Attribute)
                and node.attr in {"platform", "name"}
                and isinstance(node.value, ast.Name)
                and node.value.id in {"sys", "os"}
                and (node.attr, node.value.id) != ("name", "sys")
                and path.name not in {"portable.py", "version.py"}
            ):
                found.append(f"{where}:{line}: asks {node.value.id}.{node.attr}")
    assert not found, "\n".join(found)
