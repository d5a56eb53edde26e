"""The profile: autofill fields with provenance, shades (interest areas) and bios."""
