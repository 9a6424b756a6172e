"""Core: the model every stage shares, the problem catalogue, settings, words, dates, errors, text and YAML I/O,
and the area registry and vocabulary. Imports nothing of a later stage."""
