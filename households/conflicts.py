"""The pages' side of a stale save (docs/concurrent-edits.md).

When a form is saved after the record changed, the page keeps what the user
typed, says who changed what and when (from the change history), writes what
does not collide (merging.three_way), and asks, field by field, about what does.
It never says "someone else" when the changes were the user's own, from another
tab or window.
"""

from dataclasses import dataclass, field

from django.db.models import Model
from django.utils.translation import gettext as _

from . import history, merging
from .text import nfc


@dataclass
class StaleNotice:
    """What the page shows above a form whose save came too late."""

    changes: list[history.Change]
    headline: str
    conflicts: list[tuple[str, str, str]] = field(default_factory=list)  # name, typed, saved (as text)
    saved: bool = False  # the user's changes were written after all (nothing collided)


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else _("the system (an import or a move)")


def headline(user, changes: list[history.Change], *, saved: bool) -> str:
    authors = {change.user.pk if change.user else None for change in changes}
    if changes and authors == {user.pk}:
        # The same person in another tab or window: no "someone else".
        return (
            _("You saved other changes to this record in another tab or window after opening this form; both are kept.")
            if saved
            else _("You saved other changes to this record in another tab or window after opening this form.")
        )
    names = []
    for change in changes:
        name = _name(change.user) if not (change.user and change.user.pk == user.pk) else _("you (in another tab)")
        if name not in names:
            names.append(name)
    who = ", ".join(names) or _("another save")
    if saved:
        return _("%(who)s changed this record after you opened the form; your changes were saved with theirs.") % {
            "who": who
        }
    return _("%(who)s changed this record after you opened the form.") % {"who": who}


def comparable(values: dict) -> dict:
    """Values three_way can compare: primary keys for model instances, NFC text."""
    out = {}
    for name, value in values.items():
        if isinstance(value, Model):
            value = value.pk
        elif isinstance(value, str):
            value = nfc(value)
        out[name] = value
    return out


def merge(*, read: dict | None, mine: dict, current: dict) -> merging.Merge:
    known = comparable(read) if read is not None else None
    return merging.three_way(read=known, mine=comparable(mine), current=current)
