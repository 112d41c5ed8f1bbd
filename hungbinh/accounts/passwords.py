"""Password rules beyond Django's own (settings.AUTH_PASSWORD_VALIDATORS), with Vietnamese messages.

- a new password must differ from the current one and from the demo
  accounts' published password (README, "Tài khoản mẫu");
- "too short" is said in Vietnamese: Django's own catalogue has no
  Vietnamese for it.
"""

from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLengthValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DEMO_PASSWORD = "hungbinh@2025"  # households/demo.py's, which a test keeps equal


class MinimumLengthValidator(DjangoMinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "This password is too short: use at least %(min_length)d character.",
            "This password is too short: use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self):
        return ngettext(
            "At least %(min_length)d character.", "At least %(min_length)d characters.", self.min_length
        ) % {"min_length": self.min_length}


class NotOldOrDemoPasswordValidator:
    def validate(self, password, user=None):
        if password == DEMO_PASSWORD:
            raise ValidationError(
                _("This is the demo accounts' published password; choose another one."), code="password_demo"
            )
        if user is not None and user.pk is not None and user.has_usable_password() and user.check_password(password):
            raise ValidationError(_("The new password is the same as the current one."), code="password_unchanged")

    def get_help_text(self):
        return _("Not the current password, nor the demo accounts' password.")
