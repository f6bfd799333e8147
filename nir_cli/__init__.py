"""nir: the offline-first register and sync tool for NIR, the national introduction register."""

from typing import TYPE_CHECKING

__version__ = "0.2.0"

__all__ = ["Register", "__version__"]

if TYPE_CHECKING:  # a user's type checker sees the real class; running, it loads on first use
    from nir_cli.register import Register


def __getattr__(name: str) -> object:
    # Lazy, so that `nir --help` does not pay for the store and the domain at start-up.
    if name == "Register":
        from nir_cli.register import Register

        return Register
    raise AttributeError(f"module 'nir_cli' has no attribute {name!r}")
