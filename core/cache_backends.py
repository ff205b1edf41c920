"""Cache backends for the embedded default (no Redis)."""

import random

from django.core.cache.backends.filebased import FileBasedCache


class FileCache(FileBasedCache):
    """Django's file cache, shared by the web workers, the Celery worker and beat.

    Django's version lists the whole cache directory on every ``set`` to decide whether to cull. With
    thousands of cached pages that listing costs more than the page it stores, so here it runs on
    about one ``set`` in ``CULL_EVERY``; the directory may briefly hold a few more entries than
    ``MAX_ENTRIES``.
    """

    CULL_EVERY = 100

    def _cull(self):
        if random.randrange(self.CULL_EVERY) == 0:  # noqa: S311 (not security-relevant)
            super()._cull()
