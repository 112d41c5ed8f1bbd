"""The one read path of people's personal data: masking, who may reveal, and the access log.

Every page, API answer and export that shows members of households goes through
a `Disclosure`, so a new one cannot forget the rules (docs/personal-data.md):

    disclosure = personal_data.disclosure_for(user, reveal_ids=asked)
    disclosure.id_number(member.id_number)     # "********1234" unless revealed
    disclosure.ethnicity(member.ethnicity)     # None for a role that may not see it
    disclosure.is_disabled(member.is_disabled)
    disclosure.log(channel=Channel.VIEW, path=request.path, household_ids=[…], member_count=n)

or, for a page that lists members, `people(user=…, members=…, path=…)`, which
does all of it in one call.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from hungbinh.accounts import roles

from . import rules
from .models import Member, PersonalDataAccess
from .rules import PriorityGroup

Channel = PersonalDataAccess.Action

# Fields of a member that are masked or withheld; every other field is shown as it is.
ID_NUMBER_FIELD = "id_number"
# Sensitive personal data under Law 91/2025/QH15 (ethnic origin, health): per person,
# only for roles that work with people; others get counts.
SENSITIVE_FIELDS = frozenset({"ethnicity", "is_disabled"})
# A priority group that gives a sensitive fact away.
SENSITIVE_GROUPS = frozenset({PriorityGroup.DISABLED})

MASK = "*"
VISIBLE_DIGITS = 4


def mask_id_number(id_number: str) -> str:
    """'********1234': only the last four digits stay readable."""
    if not id_number:
        return ""
    return MASK * (len(id_number) - VISIBLE_DIGITS) + id_number[-VISIBLE_DIGITS:]


def is_masked(value: str) -> bool:
    """Whether `value` is an ID number as `mask_id_number` writes it (what a masked export carries)."""
    stars = len(value) - VISIBLE_DIGITS
    return stars > 0 and value[:stars] == MASK * stars and value[stars:].isdigit()


def may_reveal_id_numbers(user) -> bool:
    """Whether `user` may ask for full ID numbers (each time is logged)."""
    return roles.can_see_id_numbers(user)


def may_see_sensitive(user) -> bool:
    """Whether `user` may see a person's ethnicity and disability (the upper level gets counts only)."""
    return roles.can_see_sensitive_data(user)


@dataclass(frozen=True)
class Disclosure:
    """What one user sees of people's personal data, for one page, answer or file."""

    user: object
    reveal_ids: bool
    sensitive: bool

    def id_number(self, value: str) -> str:
        return value if self.reveal_ids else mask_id_number(value)

    def ethnicity(self, value: str) -> str | None:
        return value if self.sensitive else None

    def is_disabled(self, value: bool) -> bool | None:
        return value if self.sensitive else None

    def shows(self, field_name: str) -> bool:
        """Whether the field appears at all (a column, a line of history); an ID number always does, masked."""
        return self.sensitive or field_name not in SENSITIVE_FIELDS

    def value(self, field_name: str, value):
        """A member's stored value as this user may see it: masked, withheld (None), or as it is."""
        if field_name == ID_NUMBER_FIELD:
            return self.id_number(value or "")
        if field_name in SENSITIVE_FIELDS and not self.sensitive:
            return None
        return value

    def groups(self, groups: Iterable[str]) -> list[str]:
        """Priority groups without those that would give a withheld fact away."""
        return [g for g in groups if self.sensitive or g not in SENSITIVE_GROUPS]

    def log(self, *, channel: str, path: str, household_ids: Iterable[int], member_count: int) -> None:
        """Record a view of full ID numbers; nothing when none were shown."""
        if self.reveal_ids:
            log_access(
                user=self.user,
                channel=channel,
                path=path,
                household_ids=household_ids,
                member_count=member_count,
                id_numbers_shown=True,
            )


def disclosure_for(user, *, reveal_ids: bool = False) -> Disclosure:
    """The rules for `user`; `reveal_ids` is the user's explicit request, honoured only when allowed."""
    return Disclosure(
        user=user,
        reveal_ids=reveal_ids and may_reveal_id_numbers(user),
        sensitive=may_see_sensitive(user),
    )


def log_access(
    *,
    user,
    channel: str,
    path: str,
    household_ids: Iterable[int],
    member_count: int,
    id_numbers_shown: bool,
) -> PersonalDataAccess | None:
    """Record that `user` saw or exported personal data of these households (nothing when no one was shown)."""
    if member_count <= 0:
        return None
    return PersonalDataAccess.objects.create(
        user=user,
        action=channel,
        path=path[:300],
        household_ids=sorted(set(household_ids)),
        member_count=member_count,
        id_numbers_shown=id_numbers_shown,
    )


# --- A page's list of people ------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A member as one user may see them: `id_number` masked unless revealed, sensitive fields None if withheld."""

    member: Member
    id_number: str
    ethnicity: str | None
    is_disabled: bool | None
    age: int | None
    groups: list[str]


def people(
    *,
    user,
    members: Iterable[Member],
    path: str,
    reveal_ids: bool = False,
    as_of: date,
    household_is_target: bool,
) -> tuple[Disclosure, list[Person]]:
    """Members of one household for a page, with their priority groups on `as_of`; logs a reveal."""
    disclosure = disclosure_for(user, reveal_ids=reveal_ids)
    members = list(members)
    shown = [
        Person(
            member=m,
            id_number=disclosure.id_number(m.id_number),
            ethnicity=disclosure.ethnicity(m.ethnicity),
            is_disabled=disclosure.is_disabled(m.is_disabled),
            age=rules.age_on(m.birth_date, as_of),
            groups=disclosure.groups(
                rules.member_priority_groups(
                    household_is_target=household_is_target,
                    birth_date=m.birth_date,
                    gender=m.gender,
                    is_disabled=m.is_disabled,
                    as_of=as_of,
                )
            ),
        )
        for m in members
    ]
    disclosure.log(
        channel=Channel.VIEW,
        path=path,
        household_ids={m.household_id for m in members},
        member_count=sum(1 for m in members if m.id_number),
    )
    return disclosure, shown
