"""The field catalogue: WHATWG autocomplete tokens plus Second Me's own extensions.

A field name is not private (it is stored in clear in ``profile_fields.field``); its value is.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldSpec:
    """One profile field: its name (an autocomplete token where one exists) and how to treat it."""

    name: str
    label: str
    group: str
    sensitive: bool = False     # identity documents, health, finances: copied only on confirmation
    multi: bool = False         # several values (pets, children): joined with ", "
    autocomplete: bool = True   # a WHATWG autocomplete token (False: our extension)


_SPECS: tuple[FieldSpec, ...] = (
    # identity
    FieldSpec("name", "Full name", "identity"),
    FieldSpec("honorific-prefix", "Title", "identity"),
    FieldSpec("given-name", "First name", "identity"),
    FieldSpec("additional-name", "Middle name", "identity"),
    FieldSpec("family-name", "Last name", "identity"),
    FieldSpec("maiden-name", "Maiden name", "identity", autocomplete=False),
    FieldSpec("honorific-suffix", "Suffix", "identity"),
    FieldSpec("nickname", "Nickname", "identity"),
    FieldSpec("bday", "Date of birth", "identity"),
    FieldSpec("bday-day", "Birth day", "identity"),
    FieldSpec("bday-month", "Birth month", "identity"),
    FieldSpec("bday-year", "Birth year", "identity"),
    FieldSpec("sex", "Gender", "identity"),
    FieldSpec("language", "Language", "identity"),
    FieldSpec("nationality", "Nationality", "identity", autocomplete=False),
    FieldSpec("place-of-birth", "Place of birth", "identity", autocomplete=False),
    # contact
    FieldSpec("email", "E-mail", "contact"),
    FieldSpec("tel", "Phone", "contact"),
    FieldSpec("tel-national", "Phone (national format)", "contact"),
    FieldSpec("url", "Website", "contact"),
    FieldSpec("username", "Username", "contact"),
    # address
    FieldSpec("street-address", "Street address", "address"),
    FieldSpec("address-line1", "Address line 1", "address"),
    FieldSpec("address-line2", "Address line 2", "address"),
    FieldSpec("address-line3", "Address line 3", "address"),
    FieldSpec("address-level2", "City", "address"),
    FieldSpec("address-level1", "State / region", "address"),
    FieldSpec("postal-code", "Postal code", "address"),
    FieldSpec("country-name", "Country", "address"),
    FieldSpec("places-lived", "Places lived", "address", multi=True, autocomplete=False),
    # work and education
    FieldSpec("organization", "Company", "work"),
    FieldSpec("organization-title", "Job title", "work"),
    FieldSpec("work-since", "At this employer since", "work", autocomplete=False),
    FieldSpec("education", "School / university", "work", autocomplete=False),
    # family and people
    FieldSpec("partner", "Partner", "family", autocomplete=False),
    FieldSpec("children", "Children", "family", multi=True, autocomplete=False),
    FieldSpec("relatives", "Family", "family", multi=True, autocomplete=False),
    FieldSpec("pets", "Pets", "family", multi=True, autocomplete=False),
    FieldSpec("emergency-contact", "Emergency contact", "family", autocomplete=False),
    FieldSpec("anniversary", "Anniversary", "family", autocomplete=False),
    # preferences and recurring facts
    FieldSpec("dietary-preferences", "Dietary preferences", "preferences", autocomplete=False),
    FieldSpec("frequent-flyer-number", "Frequent flyer number", "preferences", autocomplete=False),
    FieldSpec("likes", "Likes", "preferences", multi=True, autocomplete=False),
    FieldSpec("dislikes", "Dislikes", "preferences", multi=True, autocomplete=False),
    FieldSpec("vehicle", "Car", "preferences", autocomplete=False),
    FieldSpec("plans", "Plans", "preferences", multi=True, autocomplete=False),
    FieldSpec("life-events", "Life events", "preferences", multi=True, autocomplete=False),
    # sensitive
    FieldSpec("passport-number", "Passport number", "documents", sensitive=True, autocomplete=False),
    FieldSpec("national-id", "National ID number", "documents", sensitive=True, autocomplete=False),
    FieldSpec("drivers-license", "Driver's licence number", "documents", sensitive=True, autocomplete=False),
    FieldSpec("tax-id", "Tax / social security number", "documents", sensitive=True, autocomplete=False),
    FieldSpec("allergies", "Allergies", "health", sensitive=True, multi=True, autocomplete=False),
    FieldSpec("blood-type", "Blood type", "health", sensitive=True, autocomplete=False),
    FieldSpec("health", "Health notes", "health", sensitive=True, multi=True, autocomplete=False),
    FieldSpec("iban", "Bank account (IBAN)", "finances", sensitive=True, autocomplete=False),
    FieldSpec("cc-number", "Card number", "finances", sensitive=True),
)

FIELDS: dict[str, FieldSpec] = {s.name: s for s in _SPECS}
GROUPS: tuple[str, ...] = ("identity", "contact", "address", "work", "family", "preferences",
                           "documents", "health", "finances")


def spec(name: str) -> FieldSpec:
    """The spec of ``name`` (a custom field the user added is a plain, non-sensitive one)."""
    if name in FIELDS:
        return FIELDS[name]
    if name.startswith("favorite-"):  # "favorite-colour" from "my favourite colour is green"
        return FieldSpec(name, "Favourite " + name[len("favorite-"):].replace("-", " "), "preferences",
                         autocomplete=False)
    return FieldSpec(name, name.replace("-", " ").capitalize(), "custom", autocomplete=False)


def is_sensitive(name: str) -> bool:
    """Whether the field ``name`` is sensitive (custom fields are not)."""
    return spec(name).sensitive
