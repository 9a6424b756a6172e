"""Interchange: Open Referral UK out and in, spreadsheets in, writing registries and editing them in place,
and the JSON Schema."""
