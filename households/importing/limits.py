"""How much of a workbook the import reads (README, "Nhập danh sách"; docs/workbook.md).

A hostile or broken file must not take the server's memory or CPU: a 95 KB
workbook with one cell in column XFD made openpyxl pad 8,000 rows to 16,384
cells each; a 2 KB file with `<row r="99999999">` had it make a hundred million
empty rows. The import reads only the columns of the format, stops after the
row cap, keeps the first problems and counts the rest, and refuses a file
larger than the upload limit or one that unpacks to far more than a workbook
of that size can hold.
"""

# The upload limit of the page and of the API.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# What the parts of the .xlsx (a zip archive) may unpack to, together: a real
# workbook of 20 MB unpacks to well under this; a zip bomb does not.
MAX_UNPACKED_BYTES = 250 * 1024 * 1024
# Rows below the header of each sheet: a ward's list has a few thousand
# households and four times as many members.
MAX_ROWS = 50_000
# The header is looked for in the first rows, in the first columns.
HEADER_SEARCH_ROWS = 30
HEADER_MAX_COLUMNS = 100
# Problems listed in one answer; the rest are counted.
MAX_ERRORS = 200
