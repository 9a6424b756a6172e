"""The registry: the field table and its rules, reading registry files, checking records, validating."""
