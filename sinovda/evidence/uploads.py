"""Stop receiving an uploaded file once it is larger than any evidence we accept.

Django writes an upload to a temporary file before the view runs. Without this handler a 5 GB
upload would fill the disk first and be refused only afterwards. This handler sits in front of
Django's own: as soon as the file passes the largest limit in settings.EVIDENCE_MAX_BYTES it skips
the file (the rest of the request body is read and thrown away, nothing is kept) and marks the
request, so the form can say why. The exact limit per kind is checked later, from the bytes.
The reverse proxy should also cap the request body (docs/evidence.md).
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

OVERSIZE_ATTRIBUTE = "evidence_oversize"


class EvidenceSizeLimit(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.limit = max(settings.EVIDENCE_MAX_BYTES.values())

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            setattr(self.request, OVERSIZE_ATTRIBUTE, True)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (Django's) keeps the file
