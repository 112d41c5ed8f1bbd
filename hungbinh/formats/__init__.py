"""Date formats per language: dd/mm/yyyy in Vietnamese and in English alike (docs/dates.md).

Django's English formats read 08/12/2010 as 12 August and show dates as
"Aug. 12, 2010"; in a ward office the English interface must still mean day
first. These modules override only the date formats; numbers keep each
language's own.
"""
