"""The shared date field: day first in every language, never a silent swap (hungbinh/forms.py)."""

import json
import re
from datetime import date

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from hungbinh.forms import VietnameseDateField, date_in_words, format_date, parse_vietnamese_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/08/2010", date(2010, 8, 15)),
        ("15-08-2010", date(2010, 8, 15)),
        ("15.08.2010", date(2010, 8, 15)),
        ("1/8/2010", date(2010, 8, 1)),
        (" 15 / 08 / 2010 ", date(2010, 8, 15)),
        ("15082010", date(2010, 8, 15)),
        ("08122010", date(2010, 12, 8)),  # Day first, always: 8 December, never 12 August.
        ("29022024", date(2024, 2, 29)),
        ("2010-08-15", date(2010, 8, 15)),  # ISO: the API's and old links' form, year first.
    ],
)
def test_reads_the_day_first(text, expected):
    assert parse_vietnamese_date(text) == expected


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("08/15/2010", "month", "tháng 15"),  # Month first (an English habit): refused, not swapped.
        ("15/13/2010", "month", "tháng 13"),
        ("31/04/2010", "day", "không có ngày 31"),
        ("29022023", "day", "không có ngày 29"),
        ("15/08/10", "short_year", "bốn chữ số"),
        ("150810", "digits", "6 chữ số"),
        ("1582010", "digits", "7 chữ số"),
        ("20100815", "year_first", "15/08/2010"),  # Year first without dashes: refused, with the day-first form.
        ("15/08/1800", "year", "1800"),
        ("Aug 15 2010", "invalid", "dd/mm/yyyy"),
        ("15/08", "invalid", "dd/mm/yyyy"),
        ("2010/08/15", "invalid", "dd/mm/yyyy"),
    ],
)
def test_refuses_what_it_would_have_to_guess_with_a_vietnamese_message(text, code, words):
    with pytest.raises(ValidationError) as raised:
        parse_vietnamese_date(text)
    assert raised.value.code == code
    assert words in raised.value.messages[0]


def test_date_in_words_follows_the_language():
    assert date_in_words(date(2010, 8, 15)) == "ngày 15 tháng 8 năm 2010"
    with translation.override("en"):
        assert date_in_words(date(2010, 8, 15)) == "15 August 2010"
    assert format_date(date(2010, 8, 5)) == "05/08/2010"
    assert format_date(None) == ""


class BirthForm(forms.Form):
    born = VietnameseDateField(label="Born", required=False, help_text="Day first.")


def test_field_cleans_and_shows_dd_mm_yyyy_in_english_too():
    with translation.override("en"):
        form = BirthForm({"born": "15082010"})
        assert form.is_valid()
        assert form.cleaned_data["born"] == date(2010, 8, 15)
        html = str(BirthForm(initial={"born": date(2010, 8, 15)})["born"])
    assert 'value="15/08/2010"' in html
    assert 'type="text"' in html
    assert "15 August 2010" in html


def test_field_keeps_what_was_typed_when_it_cannot_read_it():
    form = BirthForm({"born": "08/15/2010"})
    assert not form.is_valid()
    assert "tháng 15" in form.errors["born"][0]
    html = str(form["born"])
    assert 'value="08/15/2010"' in html
    assert 'aria-invalid="true"' in html


def test_widget_names_its_help_error_and_words_and_carries_the_calendar_texts():
    form = BirthForm({"born": "15/08/2010"})
    form.is_valid()
    html = str(form["born"])
    described = re.search(r'aria-describedby="([^"]+)"', html)[1].split()
    assert described == ["id_born_helptext", "id_born_words"]
    assert '<span class="date-words" id="id_born_words" aria-live="polite">ngày 15 tháng 8 năm 2010</span>' in html
    texts = json.loads(re.search(r"data-datepicker=\"([^\"]+)\"", html)[1].replace("&quot;", '"'))
    assert texts["months"][7] == "tháng 8"
    assert texts["words"] == "ngày {day} {month} năm {year}"
    assert [short for short, _ in texts["weekdays"]] == ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]


def test_empty_optional_date_is_none():
    form = BirthForm({"born": ""})
    assert form.is_valid()
    assert form.cleaned_data["born"] is None
