"""Counting a client's attempts at a public page (tracking codes, the complaint form),
per address, in the cache."""

from __future__ import annotations

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


class AttemptCounter:
    """How often this address did `what` within the window; `limit` reached locks it.

    With the cache unreachable (Redis down) nothing is counted and nothing is locked:
    the public page keeps working, for as long as the outage lasts without its limit,
    and the log says so. bench/faults.py found the tracking page answering 500 instead.
    """

    def __init__(self, request, what: str, *, limit: int, seconds: int):
        self.key = f"{what}:{request.META.get('REMOTE_ADDR', 'unknown')}"
        self.limit, self.seconds = limit, seconds
        self.count = self._cache(cache.get, self.key, 0) or 0

    def _cache(self, operation, *args):
        try:
            return operation(*args)
        except Exception:  # noqa: BLE001 - any cache error must not reach the public
            logger.warning("The cache is unreachable: %s is not counted.", self.key)
            return None

    @property
    def locked(self) -> bool:
        return self.count >= self.limit

    def add(self) -> None:
        self.count += 1
        self._cache(cache.set, self.key, self.count, self.seconds)

    def clear(self) -> None:
        self.count = 0
        self._cache(cache.delete, self.key)
