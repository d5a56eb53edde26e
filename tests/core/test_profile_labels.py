"""Form label → field matching over real labels in seven languages (deterministic, no model)."""

from __future__ import annotations

from secondme.profile.fields import FIELDS
from secondme.profile.labels import field_for, match
from tests.core.form_labels import LABELS


def test_label_catalogue_is_large_and_uses_known_fields() -> None:
    assert len(LABELS) >= 150
    assert all(f is None or f in FIELDS for _, f in LABELS)


def test_label_accuracy_at_least_95_percent() -> None:
    wrong = [(label, want, field_for(label)) for label, want in LABELS if field_for(label) != want]
    accuracy = 1 - len(wrong) / len(LABELS)
    print(f"label accuracy: {accuracy:.3f} over {len(LABELS)} labels; wrong: {wrong}")
    assert accuracy >= 0.95, wrong


def test_unmappable_labels_are_unknown_not_guessed() -> None:
    for label in ("Favourite colour", "Captcha", "", "???", "Promo code"):
        assert match(label) is None, label


def test_matching_folds_accents_and_case() -> None:
    assert field_for("TÉLÉPHONE") == field_for("telephone") == "tel"
    assert field_for("  e-MAIL : ") == "email"
    assert field_for("Straße") == "address-line1"
