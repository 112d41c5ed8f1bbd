"""What to do with a form saved after someone else saved the same record (docs/concurrent-edits.md).

A plain three-way merge over field values, without a database: `read` is what
the form showed, `mine` what the user submitted, `current` what is stored now.
A field only the user changed is written; a field only others changed keeps
their value; a field both changed to different values is a conflict the user
settles, field by field. Nothing anyone typed is dropped silently.
"""

from dataclasses import dataclass

UNKNOWN = object()


@dataclass(frozen=True)
class Merge:
    changes: dict  # the user's changes that nobody else touched: safe to write
    taken: dict  # fields only others changed: their values stay
    conflicts: tuple[str, ...]  # fields both changed, to different values

    @property
    def clean(self) -> bool:
        return not self.conflicts


def three_way(*, read: dict | None, mine: dict, current: dict) -> Merge:
    """Merge `mine` into `current`, knowing both started from `read` (None: not known, every difference conflicts).

    Only the fields in `mine` are considered: a form writes nothing else.
    Values must compare with ==: pass primary keys rather than model instances.
    """
    read = read or {}
    changes, taken, conflicts = {}, {}, []
    for name, value in mine.items():
        base = read.get(name, UNKNOWN)
        now = current[name]
        if value == now:
            continue
        mine_changed, theirs_changed = value != base, now != base
        if mine_changed and theirs_changed:
            conflicts.append(name)
        elif mine_changed:
            changes[name] = value
        else:
            taken[name] = now
    return Merge(changes=changes, taken=taken, conflicts=tuple(conflicts))
