"""The one place that turns a user into the set of rows they may see.

Every selector in the project filters through `scope_q`, so a new list, detail
page, export or API endpoint inherits ward and khối scoping instead of
re-implementing it.
"""

from django.db.models import Q, Subquery

from hungbinh.accounts.roles import WARD_ROLES, Role, role_of

NOTHING = Q(pk__in=[])


def scope_q(user, *, ward: str, khoi: str | None) -> Q:
    """A filter for rows that `user` may see.

    `ward` is the lookup from the model to its Ward (``""`` for Ward itself,
    ``"ward__"`` for a model with a ward foreign key); `khoi` is the lookup to
    the khối id (``"id"`` for Khoi, ``"khoi_id"`` for a household), or None for
    models above the khối level, which a khối member sees through their khối's
    ward.
    """
    role = role_of(user)
    if role == Role.ADMIN:
        return Q()
    if role == Role.UPPER_LEVEL:
        return Q(**{f"{ward}upper_unit_id": user.upper_unit_id})
    if role in WARD_ROLES:
        return Q(**{f"{ward}id": user.ward_id})
    if role == Role.KHOI_MEMBER:
        if khoi is not None:
            return Q(**{khoi: user.khoi_id})
        from .models import Khoi

        return Q(**{f"{ward}id": Subquery(Khoi.objects.filter(pk=user.khoi_id).values("ward_id")[:1])})
    return NOTHING
