"""Messages of libraries whose own Vietnamese catalogue lacks them.

Marking them here puts them in our catalogue, which takes precedence
(LOCALE_PATHS), so API clients get Vietnamese errors throughout.
"""

from django.utils.translation import gettext_noop as _

LIBRARY_MESSAGES = [
    _("Authentication credentials were not provided."),
    _("Invalid token."),
    _("Invalid token header. No credentials provided."),
    _("Invalid token header. Token string should not contain spaces."),
    _("Invalid token header. Token string should not contain invalid characters."),
    _("User inactive or deleted."),
    _("Incorrect authentication credentials."),
    _('Method "{method}" not allowed.'),
    _("Invalid page."),
    _("This field is required."),
    _('Must include "username" and "password".'),
    _("A valid integer is required."),
    _("Enter a number."),
    _("Select a valid choice. That choice is not one of the available choices."),
]
