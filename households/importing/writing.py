"""Writing a checked plan in bulk, with the history a change through the services would leave."""

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ..models import Household, Member, StatusChange
from .planning import Plan


def write(plan: Plan, *, by, now) -> None:
    """Write the plan in bulk, with history by `by` at `now`, as one change per record."""
    history = {"default_user": by, "default_change_reason": "import", "default_date": now}
    created = bulk_create_with_history(plan.new_households, Household, **history)
    by_code = {h.code: h for h in created}
    for change in plan.status_changes:
        if change.household_id is None:
            # A new household: the row just created (its instance may be another object).
            change.household = by_code[change.household.code]
    StatusChange.objects.bulk_create(plan.status_changes)
    if plan.changed_households:
        households = list(plan.changed_households.values())
        for household in households:
            household.version += 1
            household.updated_at = now
        fields = sorted(plan.household_fields | {"version", "updated_at"})
        if plan.household_fields & {"head_name", "address"}:
            fields += ["search_text", "name_key"]
        bulk_update_with_history(households, Household, fields, **history)
    new_members = []
    for code, household, member in plan.new_members:
        member.household = household or by_code[code]
        new_members.append(member)
    bulk_create_with_history(new_members, Member, **history)
    if plan.changed_members:
        bulk_update_with_history(plan.changed_members, Member, sorted(plan.member_fields), **history)
