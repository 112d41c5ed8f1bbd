from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .roles import Role


class User(AbstractUser):
    """A person who logs in, with one role and the scope it applies to.

    The scope columns that a role needs are required by database constraints,
    and the ones it does not use must stay empty, so a user can never hold two
    scopes at once. A khối member's ward is the ward of their khối, so moving a
    khối to another ward moves its members' scope with it; a unit member's ward
    is their unit's (docs/program.md).
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ADMIN)
    ward = models.ForeignKey(
        "households.Ward",
        verbose_name=_("ward"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    khoi = models.ForeignKey(
        "households.Khoi",
        verbose_name=_("khối"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    upper_unit = models.ForeignKey(
        "households.UpperUnit",
        verbose_name=_("upper-level unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    unit = models.ForeignKey(
        "assignments.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    position = models.CharField(_("position"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="user_scope_matches_role",
                condition=(
                    Q(
                        role=Role.ADMIN,
                        ward__isnull=True,
                        khoi__isnull=True,
                        upper_unit__isnull=True,
                        unit__isnull=True,
                    )
                    | Q(
                        role__in=[Role.WARD_LEADER, Role.WARD_OFFICER],
                        ward__isnull=False,
                        khoi__isnull=True,
                        upper_unit__isnull=True,
                        unit__isnull=True,
                    )
                    | Q(
                        role=Role.KHOI_MEMBER,
                        ward__isnull=True,
                        khoi__isnull=False,
                        upper_unit__isnull=True,
                        unit__isnull=True,
                    )
                    | Q(
                        role=Role.UPPER_LEVEL,
                        ward__isnull=True,
                        khoi__isnull=True,
                        upper_unit__isnull=False,
                        unit__isnull=True,
                    )
                    | Q(
                        role=Role.UNIT_MEMBER,
                        ward__isnull=True,
                        khoi__isnull=True,
                        upper_unit__isnull=True,
                        unit__isnull=False,
                    )
                ),
                violation_error_message=_(
                    "The scope does not match the role: a ward leader or officer needs a ward, "
                    "a khối member a khối, an upper-level user an upper-level unit, a unit member a unit, "
                    "and nothing else."
                ),
            ),
        ]

    def save(self, *args, **kwargs):
        # set_password() keeps the new password in _password until the save: a
        # password change ends every API token of the user (accounts/tokens.py).
        password_changed = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            from .tokens import revoke_tokens

            revoke_tokens(self)

    def get_full_name(self):
        # Vietnamese order: family and middle names first, given name last.
        return " ".join(part for part in (self.last_name, self.first_name) if part).strip()

    def __str__(self):
        return self.get_full_name() or self.username
