"""A Linux process without the POSIX-only modules Windows lacks (CI's Windows simulation).

On PYTHONPATH, Python imports this at start-up, in every process the tests start too (the
installed `nir`, the registry, the sandbox): `import fcntl` (or pwd, grp, termios) then fails
as it would on Windows, so a module that needs one at import time, or a code path that takes
one where Windows has none, fails here as well. It is a simulation: sys.platform stays
"linux", so it cannot show what only Windows does (file locking with msvcrt, access lists,
paths with drive letters, cp1252 consoles); docs/windows.md says what is checked where.
"""

import sys

for _name in ("fcntl", "pwd", "grp", "termios"):
    sys.modules[_name] = None  # type: ignore[assignment]  # import now raises ImportError
