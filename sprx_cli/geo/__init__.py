"""Geography: boundaries (read, checked, points in areas) and postcode centres."""
