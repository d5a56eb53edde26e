"""The per-language synonym tables behind :mod:`secondme.profile.field_synonyms`, split by script."""

Table = dict[str, tuple[str, ...]]
"""One language's words per autofill token (normalised spelling)."""
