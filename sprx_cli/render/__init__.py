"""Rendering: the map page (its data, HTML and script), the PNG, tables and exports, from the one aggregation."""
