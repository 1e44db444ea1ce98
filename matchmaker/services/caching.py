"""A small per-process cache of what is derived from the pool, keyed by the pool's version.

Keys include ``match_index.pool_version()``, which changes with every committed posting change this
process has seen, so an entry is exactly as fresh as the index; the TTL bounds what the version
cannot see (an organization moving region). Each gunicorn worker has its own.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict


class VersionedCache:
    """A bounded LRU with a time-to-live; thread-safe (a worker's background threads read it too)."""

    def __init__(self, size: int = 256, ttl: float = 120.0):
        self.size, self.ttl = size, ttl
        self._items: OrderedDict[tuple, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple):
        with self._lock:
            hit = self._items.get(key)
            if hit is None or time.monotonic() - hit[0] > self.ttl:
                self._items.pop(key, None)
                return None
            self._items.move_to_end(key)
            return hit[1]

    def put(self, key: tuple, value) -> None:
        with self._lock:
            self._items[key] = (time.monotonic(), value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
