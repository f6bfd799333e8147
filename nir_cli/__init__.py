"""nir: the offline-first register and sync tool for NIR, the national introduction register."""

__version__ = "0.1.0"
