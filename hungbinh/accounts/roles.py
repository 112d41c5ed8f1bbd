"""Roles and what each may do: plain functions over a user, no queries."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    WARD_LEADER = "ward_leader", _("Ward leader")
    WARD_OFFICER = "ward_officer", _("Ward officer")
    KHOI_MEMBER = "khoi_member", _("Khối committee member")
    UPPER_LEVEL = "upper_level", _("Upper-level department")
    # A person of a ward unit such as the Women's Union or the Fatherland Front
    # (docs/program.md): their unit's tasks and the support it delivers, nothing else.
    UNIT_MEMBER = "unit_member", _("Unit member")


WARD_ROLES = frozenset({Role.WARD_LEADER, Role.WARD_OFFICER})


def role_of(user) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.ADMIN
    # The admin role without the superuser flag grants nothing: it is only the
    # default that lets `createsuperuser` satisfy the scope constraint.
    return None if user.role == Role.ADMIN else user.role


def is_admin(user) -> bool:
    return role_of(user) == Role.ADMIN


def can_edit_registry(user) -> bool:
    """Households and members: ward staff, and khối members within their khối."""
    return role_of(user) in (Role.ADMIN, Role.WARD_LEADER, Role.WARD_OFFICER, Role.KHOI_MEMBER)


def can_manage_ward(user) -> bool:
    """Ward-wide work: imports, reviews set-up, plans, reports."""
    return role_of(user) in (Role.ADMIN, Role.WARD_LEADER, Role.WARD_OFFICER)


def can_record_decision(user) -> bool:
    """A status change "by decision" records the ward's recognition decision: ward staff only. A khối
    member proposes a change through a review (docs/roles.md)."""
    return role_of(user) in (Role.ADMIN, Role.WARD_LEADER, Role.WARD_OFFICER)


def can_sign_decisions(user) -> bool:
    """Recognition decisions, and a regular review's written refusal, are the ward leader's to sign."""
    return role_of(user) in (Role.ADMIN, Role.WARD_LEADER)


def can_see_id_numbers(user) -> bool:
    """Who may unmask citizen ID numbers (each unmasking is logged)."""
    return role_of(user) in (Role.ADMIN, Role.WARD_LEADER, Role.WARD_OFFICER, Role.KHOI_MEMBER)


def can_see_sensitive_data(user) -> bool:
    """Who may see a person's ethnicity and disability: those who work with people, not the upper level."""
    return role_of(user) in (Role.ADMIN, Role.WARD_LEADER, Role.WARD_OFFICER, Role.KHOI_MEMBER)


# --- The program: plans, tasks, support (docs/program.md) --------------------


def is_unit_member(user) -> bool:
    return role_of(user) == Role.UNIT_MEMBER


def can_manage_program(user) -> bool:
    """Plans in draft, their items, duties, budgets, indicators, units and tasks: ward staff."""
    return role_of(user) in (Role.ADMIN, Role.WARD_LEADER, Role.WARD_OFFICER)


def can_issue_plan(user) -> bool:
    """Issuing a plan is signing it: the ward leader's act."""
    return role_of(user) in (Role.ADMIN, Role.WARD_LEADER)


def can_record_support(user) -> bool:
    """Ward staff, and unit members for the support their unit delivers or mobilises."""
    return role_of(user) in (Role.ADMIN, Role.WARD_LEADER, Role.WARD_OFFICER, Role.UNIT_MEMBER)


def can_override_eligibility(user) -> bool:
    """Recording support against a sub-project's target rule, with a written reason: ward officials."""
    return role_of(user) in (Role.ADMIN, Role.WARD_LEADER, Role.WARD_OFFICER)


def can_work_on_tasks(user) -> bool:
    """Writing progress notes and moving a task's state (within the tasks the user sees)."""
    return role_of(user) in (Role.ADMIN, Role.WARD_LEADER, Role.WARD_OFFICER, Role.UNIT_MEMBER, Role.KHOI_MEMBER)
