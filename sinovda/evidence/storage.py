"""Evidence files use the installation's private storage (sinovda/lib/storage.py)."""

from sinovda.lib.storage import private_storage

__all__ = ["private_storage"]
