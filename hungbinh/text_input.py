"""Every text input refuses control characters, with one Vietnamese message (docs/workbook.md, "Text cells").

A control character typed or pasted into a name (``\\x01``, ``\\x1b``, ``\\x7f``)
is invisible on the page, but an .xlsx workbook cannot hold it, so a single one
used to stop a whole ward's export. The check runs in three places so that no
way in is missed:

- every Django form ``CharField`` and every REST framework ``CharField`` (pages,
  admin, API), installed once at start-up by `install` (hungbinh.ops's ready());
- the registry's services (households/services.py), whatever called them;
- the workbook import (households/importing/parsing.py), per cell.

Tab, line feed and carriage return stay allowed in forms (a note's text box
sends them); the services turn them into spaces.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from households.text import has_control_characters

CODE = "control_characters"


def control_characters_message() -> str:
    return _(
        "This text contains an invisible control character (often copied from another program). "
        "Delete it and type the text again."
    )


def validate_no_control_characters(value) -> None:
    """A Django validator (forms, models and the REST framework all accept it)."""
    if has_control_characters(value):
        raise ValidationError(control_characters_message(), code=CODE)


_INSTALLED = False


def install() -> None:
    """Make the check a default validator of every text field of forms and serializers."""
    global _INSTALLED
    if _INSTALLED:
        return
    _INSTALLED = True
    for field_class in (forms.CharField, serializers.CharField):
        field_class.default_validators = [*field_class.default_validators, validate_no_control_characters]
