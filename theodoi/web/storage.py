"""The evidence storage on a local disk: Django's, minus the partial file a full disk leaves."""

from __future__ import annotations

import contextlib
import os
from typing import Any

from django.core.files.storage import FileSystemStorage


class EvidenceStorage(FileSystemStorage):
    """FileSystemStorage whose failed write (ENOSPC mid-file) removes the partial file."""

    def _save(self, name: str, content: Any) -> str:
        """The stored name; on an OSError the bytes written so far are removed first."""
        path = self.path(name)
        # storage.save() chose a free name; a file there now is one this write began.
        existed = os.path.lexists(path)
        try:
            return super()._save(name, content)
        except FileExistsError:
            raise
        except OSError:
            if not existed:
                with contextlib.suppress(FileNotFoundError):
                    os.remove(path)
            raise
