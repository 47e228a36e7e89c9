import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Private storage (evidence, emblems, generated files) outside every served folder. There is no
    public URL: files leave only through permission-checked views. The folder is read from settings
    on each use so tests (and deployments) can point it elsewhere."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; use a permission-checked view.")


_storage = PrivateStorage()


def private_storage():
    return _storage
