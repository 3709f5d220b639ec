"""Expensive public pages rendered once per content version, then served from memory.

Issue 15, finding 4: an anonymous ``GET /decision-aid.pdf`` cost seconds of CPU, and 45 at once
starved a clinician's requests (OWASP API Security Top 10 2023, API4 unrestricted resource
consumption). Here the first request for a content version renders it; concurrent requests for
the same version wait for that one render without holding a worker thread, and later ones get the
stored bytes. At most ``MAX_CONCURRENT_RENDERS`` renders run at once, whatever the versions asked.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import hashlib
import threading
from collections.abc import Callable, Hashable

import anyio

MAX_CONCURRENT_RENDERS = 1  # one of the server's cores at most for public renders (API4:2023)
MAX_CACHED_VERSIONS = 64  # distinct aid inputs kept; the least recently used is dropped


class RenderedOnce:
    """A bounded, thread-safe cache whose misses are rendered once, even when asked at once."""

    def __init__(self, max_entries: int = MAX_CACHED_VERSIONS) -> None:
        self._max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: collections.OrderedDict[Hashable, concurrent.futures.Future[bytes]] = (
            collections.OrderedDict()
        )
        self._render_slots = threading.BoundedSemaphore(MAX_CONCURRENT_RENDERS)
        self.renders = 0

    async def get(self, key: Hashable, render: Callable[[], bytes]) -> bytes:
        """The bytes for ``key``, calling ``render`` only if no request has (or is) yet."""
        future, is_first = self._entry(key)
        if is_first:
            await anyio.to_thread.run_sync(self._render_into, key, future, render)
        return await asyncio.wrap_future(future)

    def _entry(self, key: Hashable) -> tuple[concurrent.futures.Future[bytes], bool]:
        with self._lock:
            future = self._entries.get(key)
            if future is not None:
                self._entries.move_to_end(key)
                return future, False
            future = concurrent.futures.Future()
            self._entries[key] = future
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
            return future, True

    def _render_into(
        self, key: Hashable, future: concurrent.futures.Future[bytes], render: Callable[[], bytes]
    ) -> None:
        try:
            with self._render_slots:
                result = render()
        except Exception as exc:  # the waiters get it too; a later request renders again
            with self._lock:
                if self._entries.get(key) is future:
                    del self._entries[key]
            future.set_exception(exc)
            return
        with self._lock:
            self.renders += 1
        future.set_result(result)


def entity_tag(content: bytes) -> str:
    """A strong ETag for ``content`` (RFC 9110 section 8.8.3)."""
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
