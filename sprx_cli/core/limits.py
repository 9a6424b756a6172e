"""The stated limits on what sprx reads, each declared once: past one, an input is refused with a
located message that names the limit (SECURITY.md lists them). Everything else sprx does is linear
in the size of its input."""

MAX_DIGITS = 100  # of a whole number in a feed's JSON: longer is kept as its text (Python reads at most 4,300)
MAX_COLUMNS = 1_000  # columns of a CSV registry, a spreadsheet or a workbook's sheet (a list of schemes has tens)
