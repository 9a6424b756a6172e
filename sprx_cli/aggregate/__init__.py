"""Aggregation: which schemes count, and the one count per area behind the map, tables and exports."""
