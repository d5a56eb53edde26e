"""``ctx.profile``: the person's profile (fields with provenance, shades, bios) and autofill."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from secondme.app import SecondMe
    from secondme.profile.service import ProfileService as ProfileStore


class ProfileService:
    """Read, fill from, edit, build and export the profile.

    Each call opens :class:`secondme.profile.service.ProfileService` on the current store (it
    holds no state of its own between calls)."""

    def __init__(self, core: SecondMe) -> None:
        """Over ``core``, whose session holds the profile."""
        self._core = core

    def _open(self) -> ProfileStore:
        from secondme.profile.service import ProfileService as ProfileStore

        core = self._core
        return ProfileStore(core.store, core.get_private, core.set_private,
                            chat_model=(lambda: core.models.chat_model) if core.models.configured else None)

    def fill(self, label: str, confirm_sensitive: bool = False) -> Any:
        """The profile value for a form label with its provenance, or None when unknown
        (no field for the label, or no value). Sensitive fields come back with status
        ``needs_confirmation`` and no value unless ``confirm_sensitive``."""
        res = self._open().fill(label, confirm_sensitive)
        return None if res.status == "unknown" else res

    def fill_result(self, label: str, confirm_sensitive: bool = False) -> Any:
        """Like :meth:`fill` but always a FillResult (status ``unknown`` included)."""
        return self._open().fill(label, confirm_sensitive)

    def fill_field(self, field: Any, confirm_sensitive: bool = False) -> Any:
        """A FillResult for a whole field description (a ``FieldDescription`` or its dict):
        label, placeholder, name, id, autocomplete, type, maxlength, options, section."""
        from secondme.profile.form_fields import FieldDescription

        desc = field if isinstance(field, FieldDescription) else FieldDescription.from_dict(field)
        return self._open().fill_field(desc, confirm_sensitive)

    def build(self, progress: Callable[[str, int, int], None] | None = None,
              cancel: threading.Event | None = None) -> dict[str, Any]:
        """Fields, shades and bios from memories (the nightly job's last step)."""
        res: dict[str, Any] = self._open().build(progress, cancel)
        return res

    def show(self) -> dict[str, Any]:
        """``{"fields": {name: ProfileField}, "shades": [...], "bios": {...}}``."""
        p = self._open()
        return {"fields": p.all(), "shades": p.shades(), "bios": p.bios()}

    def set_field(self, field: str, value: str | None, lock: bool | None = None) -> Any:
        """Edit (value) and/or lock/unlock a field; a locked field is never changed by the app."""
        return self._open().set_field(field, value, lock)

    def delete_field(self, field: str) -> bool:
        """Delete a field; False when there was none."""
        return bool(self._open().delete_field(field))

    def export(self, fmt: str, include_sensitive: bool = False) -> str:
        """The profile as ``json`` or ``vcard`` (4.0) text; sensitive fields withheld by default."""
        return str(self._open().export(fmt, include_sensitive))
