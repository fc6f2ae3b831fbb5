"""The panel's session, Qt-free: the current backend (demo or live) and the tasks working for
it. Every such task is cancelled when the backend is replaced or closed, so nothing read
through an old backend (an account list, a position) can land after a switch.

asyncio is imported where it is used: the window is built, and shown, before it is loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from ctpanel.backend import Backend

if TYPE_CHECKING:
    import asyncio

# How a part starts a task of its own (the Panel's, or the session's): a coroutine and a name.
Spawn = Callable[[Coroutine[Any, Any, Any], str], "asyncio.Task"]


class Session:
    """One backend's lifetime: the tasks it started end with it."""

    def __init__(self, backend: Backend | None = None) -> None:
        self.backend = backend
        self.generation = 0 if backend is None else 1  # tells each backend's figures apart
        self._tasks: set[asyncio.Task] = set()

    def spawn(self, coroutine: Coroutine[Any, Any, Any], name: str | None = None
              ) -> asyncio.Task:
        """A task that works for the current backend (and dies with it)."""
        import asyncio

        task = asyncio.get_running_loop().create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def attach(self, backend: Backend) -> Backend | None:
        """Make ``backend`` the current one; its predecessor's tasks are cancelled and the
        predecessor is returned, for the caller to close once it is no longer shown."""
        for task in list(self._tasks):
            task.cancel()
        old, self.backend = self.backend, backend
        self.generation += 1
        return old

    async def close(self) -> None:
        import asyncio

        tasks = [task for task in self._tasks if task is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self.backend is not None:
            await self.backend.aclose()
