"""The domain services that hang off :class:`secondme.app.SecondMe` (``ctx.notes``,
``ctx.memory``, ``ctx.profile``, ``ctx.jobs``, ``ctx.keys``, ``ctx.models``).

``SecondMe`` keeps the lifecycle (build, unlock, lock, close), the events and the settings;
each service is built by it once, holds the context it was built from, and reaches the store or
the session of the current unlock through it, so a service outlives lock and unlock. The UI, the
CLI and the helper processes call these, never the modules under them.
"""

from __future__ import annotations

from secondme.services.jobs import JobsService
from secondme.services.keys import KeysService
from secondme.services.memory import MemoryService
from secondme.services.models import ModelsService
from secondme.services.notes import NotesService
from secondme.services.profile import ProfileService

__all__ = ["JobsService", "KeysService", "MemoryService", "ModelsService", "NotesService",
           "ProfileService"]
