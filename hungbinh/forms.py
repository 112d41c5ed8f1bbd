"""Form pieces every app shares: dates typed and shown as dd/mm/yyyy (docs/dates.md).

A browser's own date input follows the browser's language: in an English
Chromium it reads mm/dd/yyyy, so a day and a month could swap without a word.
`VietnameseDateField` is a text field parsed here, on the server, with one
order only (day, month, year); its widget adds a calendar (static/js/datepicker.js)
and shows the date back in words before the form is saved. The REST API keeps
ISO dates (docs/dates.md, "In the API"); only HTML forms use this field.
"""

import calendar
import json
import re
from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from hungbinh.widgets import TextInput

DISPLAY_FORMAT = "%d/%m/%Y"
MIN_YEAR, MAX_YEAR = 1900, 2100

_SEPARATED = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d+)$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DIGITS = re.compile(r"^\d+$")


def _invalid(message: str, code: str = "invalid", **params) -> ValidationError:
    return ValidationError(message % params if params else message, code=code)


def parse_vietnamese_date(text: str) -> date:
    """A date typed day first; anything it cannot read without guessing is refused.

    Accepted: ``15/08/2010`` (also ``15-08-2010``, ``15.08.2010``, ``1/8/2010``),
    eight digits read as ddmmyyyy (``15082010``), and the ISO form ``2010-08-15``
    that the API and old links carry (a four-digit year first cannot be misread).
    Refused, each with a message saying what to type: two-digit years, other
    numbers of digits, a month above 12 (the sign of a month-first date), a day
    the month lacks, a year outside 1900–2100.
    """
    text = " ".join(str(text).split())
    if match := _ISO.match(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _SEPARATED.match(text):
        day, month = int(match[1]), int(match[2])
        if len(match[3]) != 4:
            raise _invalid(_("Write the year with four digits, for example 15/08/2010."), "short_year")
        year = int(match[3])
    elif _DIGITS.match(text):
        if len(text) != 8:
            raise _invalid(
                _(
                    "%(n)s digits cannot be read as a date: type the day, month and year with slashes "
                    "(15/08/2010) or eight digits (15082010)."
                ),
                "digits",
                n=len(text),
            )
        day, month, year = int(text[:2]), int(text[2:4]), int(text[4:])
        if not MIN_YEAR <= year <= MAX_YEAR and MIN_YEAR <= int(text[:4]) <= MAX_YEAR:
            raise _invalid(
                _("The year comes last: write the day, then the month, then the year, for example %(example)s."),
                "year_first",
                example=f"{text[6:]}/{text[4:6]}/{text[:4]}",
            )
    else:
        raise _invalid(_("Enter the date as day/month/year (dd/mm/yyyy), for example 15/08/2010."))
    return _checked_date(day, month, year)


def _checked_date(day: int, month: int, year: int) -> date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _invalid(
            _("The year %(year)s is outside %(min)s–%(max)s; check the date (dd/mm/yyyy)."),
            "year",
            year=year,
            min=MIN_YEAR,
            max=MAX_YEAR,
        )
    if not 1 <= month <= 12:
        raise _invalid(
            _("There is no month %(month)s: write the day first, then the month (1 to 12), then the year."),
            "month",
            month=month,
        )
    last_day = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last_day:
        raise _invalid(
            _("Month %(month)s of %(year)s has no day %(day)s (it has %(last)s days)."),
            "day",
            day=day,
            month=month,
            year=year,
            last=last_day,
        )
    return date(year, month, day)


# Month names as they stand in a date written in words ("tháng 8" in Vietnamese).
MONTHS_IN_WORDS = [
    pgettext_lazy("date in words", "January"),
    pgettext_lazy("date in words", "February"),
    pgettext_lazy("date in words", "March"),
    pgettext_lazy("date in words", "April"),
    pgettext_lazy("date in words", "May"),
    pgettext_lazy("date in words", "June"),
    pgettext_lazy("date in words", "July"),
    pgettext_lazy("date in words", "August"),
    pgettext_lazy("date in words", "September"),
    pgettext_lazy("date in words", "October"),
    pgettext_lazy("date in words", "November"),
    pgettext_lazy("date in words", "December"),
]
# Monday first, as Vietnamese calendars are printed.
WEEKDAYS = [
    (gettext_lazy("Mo"), gettext_lazy("Monday")),
    (gettext_lazy("Tu"), gettext_lazy("Tuesday")),
    (gettext_lazy("We"), gettext_lazy("Wednesday")),
    (gettext_lazy("Th"), gettext_lazy("Thursday")),
    (gettext_lazy("Fr"), gettext_lazy("Friday")),
    (gettext_lazy("Sa"), gettext_lazy("Saturday")),
    (gettext_lazy("Su"), gettext_lazy("Sunday")),
]


def _words_pattern() -> str:
    # Translators: a date in words; Vietnamese: "ngày %(day)s %(month)s năm %(year)s".
    return pgettext("date in words", "%(day)s %(month)s %(year)s")


def date_in_words(value: date) -> str:
    """'ngày 15 tháng 8 năm 2010' (in English '15 August 2010'): what a person checks before saving."""
    return _words_pattern() % {"day": value.day, "month": MONTHS_IN_WORDS[value.month - 1], "year": value.year}


def format_date(value: date | None) -> str:
    """dd/mm/yyyy, whatever the language of the page."""
    return value.strftime(DISPLAY_FORMAT) if value else ""


def _picker_texts() -> dict:
    """What the calendar and the live words need, in the page's language (read by datepicker.js)."""
    return {
        "words": _words_pattern() % {"day": "{day}", "month": "{month}", "year": "{year}"},
        "months": [str(m) for m in MONTHS_IN_WORDS],
        # Translators: the calendar's heading, e.g. "tháng 8 năm 2010".
        "heading": pgettext("calendar heading", "{month} {year}"),
        "weekdays": [[str(short), str(long)] for short, long in WEEKDAYS],
        "open": _("Choose the date on a calendar"),
        "dialog": _("Choose a date"),
        "month": _("Month"),
        "year": _("Year"),
        "previous": _("Previous month"),
        "next": _("Next month"),
        "close": _("Close the calendar"),
        "invalid": _("Not a date yet: type day/month/year, for example 15/08/2010."),
        "minYear": MIN_YEAR,
        "maxYear": MAX_YEAR,
    }


class VietnameseDateInput(TextInput):
    """A text box for dd/mm/yyyy, the date in words under it, and a calendar button added by JavaScript.

    The words are rendered on the server too, so a re-rendered form (after an
    error elsewhere) still says which date it holds; the box's
    aria-describedby names them, so a screen reader reads them with the field.
    """

    def __init__(self, attrs=None):
        base = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off", "class": "date-input"}
        super().__init__(attrs={**base, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, date):
            return format_date(value)
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-datepicker"] = json.dumps(_picker_texts(), ensure_ascii=False)
        if widget_attrs.get("id"):
            words_id = f"{widget_attrs['id']}_words"
            described = widget_attrs.get("aria-describedby", "")
            widget_attrs["aria-describedby"] = f"{described} {words_id}".strip()
        return context

    def render(self, name, value, attrs=None, renderer=None):
        box = super().render(name, value, attrs, renderer)
        input_id = (attrs or {}).get("id") or self.attrs.get("id")
        if not input_id:
            return box
        return format_html(
            '<span class="date-field">{}</span><span class="date-words" id="{}_words" aria-live="polite">{}</span>',
            box,
            input_id,
            _words_of(value),
        )


def _words_of(value) -> str:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return date_in_words(value)
    if value:
        try:
            return date_in_words(parse_vietnamese_date(value))
        except ValidationError:
            return ""
    return ""


class VietnameseDateField(forms.DateField):
    """A date typed dd/mm/yyyy (or ddmmyyyy), read on the server the same way in every language."""

    widget = VietnameseDateInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        return parse_vietnamese_date(value)


class FileInput(forms.FileInput):
    """A file box whose button and "no file" words are the page's, not the browser's.

    The browser draws its own "Choose File" and "No file chosen" in its language: a
    Vietnamese page in an English Chromium read them in English, on a grey button
    unlike the page's. The native input stays (the keyboard, a screen reader and a
    drop land on it); with JavaScript the CSS makes it transparent over a button and
    a name drawn here, and static/js/site.js writes the chosen file's name. Without
    JavaScript the native box shows as before.
    """

    def render(self, name, value, attrs=None, renderer=None):
        box = super().render(name, value, attrs, renderer)
        none = _("No file chosen")
        return format_html(
            '<span class="file-pick">{}<span class="button file-pick-button" aria-hidden="true">{}</span>'
            '<span class="file-pick-name" aria-hidden="true" data-none="{}">{}</span></span>',
            box,
            _("Choose a file…"),
            none,
            none,
        )
