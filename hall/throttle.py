"""Counting a client's attempts at a public page (tracking codes, the complaint form),
per address, in the cache."""

from __future__ import annotations

from django.core.cache import cache


class AttemptCounter:
    """How often this address did `what` within the window; `limit` reached locks it."""

    def __init__(self, request, what: str, *, limit: int, seconds: int):
        self.key = f"{what}:{request.META.get('REMOTE_ADDR', 'unknown')}"
        self.limit, self.seconds = limit, seconds
        self.count = cache.get(self.key, 0)

    @property
    def locked(self) -> bool:
        return self.count >= self.limit

    def add(self) -> None:
        self.count += 1
        cache.set(self.key, self.count, self.seconds)

    def clear(self) -> None:
        self.count = 0
        cache.delete(self.key)
