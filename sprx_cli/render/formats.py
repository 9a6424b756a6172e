"""The output choices of tables and exports, declared once (the command line's choices are made from
these), in a module light enough for `sprx --help` to import."""

BY = ("area", "category", "area-category")  # what one row of a table is
SORTS = ("name", "count")  # by name, or largest count first
FORMATS = ("text", "csv", "tsv", "json", "markdown", "xlsx")  # a table's
SCHEME_FORMATS = ("csv", "json", "geojson", "xlsx")  # an export of schemes
AREA_FORMATS = ("geojson", "gpkg")  # an export of areas with their counts
BINARY = ("xlsx", "gpkg")  # written only to a file
REVIEW_FORMATS = ("text", "csv", "json")  # what is due for review
SCHEME_PAGES = "schemes"  # the published site's folder of a page per scheme, beside each language's map page
