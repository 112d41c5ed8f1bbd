"""Scoped reads of the reports app: a job is only ever seen by the user who asked for it."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from households.models import Household, Khoi, UpperUnit, Ward
from households.selectors import ward_list
from hungbinh.accounts.roles import Role, role_of

from .models import Job, KhoiPopulation
from .periods import Period, PeriodError, parse_period


def job_list(*, user) -> QuerySet[Job]:
    return Job.objects.filter(user_id=user.pk).order_by("-created_at")


def latest_jobs(*, user, limit: int = 50) -> list[Job]:
    """The user's latest jobs, the newest first (the jobs page): only ever the user's own."""
    return list(job_list(user=user)[:limit])


def job_get(*, user, pk) -> Job:
    return job_list(user=user).get(pk=pk)


# --- Report tables: whose ward, whose upper-level unit (docs/reports.md, "Who sees what") ----


class ReportRequestError(Exception):
    """A report cannot be given; `status` is what a view answers (400 bad input, 403 role, 404 scope)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def may_see_ward_reports(user) -> bool:
    """Ward staff (their ward), the upper level (its wards), the administrator: not khối or unit members."""
    return role_of(user) in (Role.ADMIN, Role.WARD_LEADER, Role.WARD_OFFICER, Role.UPPER_LEVEL)


def report_ward_get(*, user, ward_id) -> Ward:
    if not may_see_ward_reports(user):
        raise ReportRequestError(_("Your role does not see the ward's reports."), 403)
    ward = ward_list(user=user).filter(pk=ward_id).first()
    if ward is None:
        raise ReportRequestError(_("No such ward."), 404)
    return ward


def submission_ward_get(*, user, ward_id) -> Ward:
    """The ward whose report the user submits: its staff only (403 before anything else is read), then its scope."""
    from hungbinh.accounts.roles import can_manage_ward

    if not can_manage_ward(user):
        raise ReportRequestError(_("Only the ward's staff submit its reports."), 403)
    return report_ward_get(user=user, ward_id=ward_id)


def report_upper_get(*, user, unit_id) -> UpperUnit:
    """The consolidated tables: the upper level's own unit, or any for the administrator."""
    role = role_of(user)
    if role not in (Role.ADMIN, Role.UPPER_LEVEL):
        raise ReportRequestError(_("Only the upper level sees the consolidated tables of its wards."), 403)
    units = UpperUnit.objects.all() if role == Role.ADMIN else UpperUnit.objects.filter(pk=user.upper_unit_id)
    unit = units.filter(pk=unit_id).first()
    if unit is None:
        raise ReportRequestError(_("No such upper-level unit."), 404)
    return unit


def report_unit_get(*, user, level: str, unit_id):
    """The ward (`level` "ward") or the upper-level unit ("upper") whose tables or lists the user asks for."""
    if level == "ward":
        return report_ward_get(user=user, ward_id=unit_id)
    return report_upper_get(user=user, unit_id=unit_id)


def unit_household_count(*, level: str, unit) -> int:
    """The households of a ward (`level` "ward"), or of every ward under an upper-level unit ("upper"): what decides
    whether its tables run as a job. `unit` was read through report_unit_get (in the user's scope)."""
    households = Household.objects.filter(ward__upper_unit=unit) if level == "upper" else unit.households.all()
    return households.count()


def period_get(text: str) -> Period:
    try:
        return parse_period(text)
    except PeriodError as error:
        raise ReportRequestError(error.message, 400) from error


# --- The population figures the ward enters (docs/reports.md) -----------------------------


def population_khois(*, ward: Ward) -> list[Khoi]:
    """The ward's khối in their order, one row each on the population page (`ward` read through report_ward_get)."""
    return list(Khoi.objects.filter(ward=ward).order_by("position", "name"))


def population_figures(*, ward: Ward, year: int) -> dict[int, KhoiPopulation]:
    """The year's total households and persons the ward entered, by khối id (a khối without figures is missing)."""
    return {f.khoi_id: f for f in KhoiPopulation.objects.filter(khoi__ward=ward, year=year)}


# --- Submitted reports -----------------------------------------------------------------


def submission_list(*, user) -> QuerySet:
    """The frozen reports the user may see: their ward's, or those of the wards under their unit."""
    from households.scoping import scope_q

    from .models import Submission

    if not may_see_ward_reports(user):
        return Submission.objects.none()
    return (
        Submission.objects.filter(scope_q(user, ward="ward__", khoi=None), state=Submission.State.DONE)
        .select_related("ward", "submitted_by")
        .order_by("-submitted_at", "-id")
    )


def submission_get(*, user, pk):
    return submission_list(user=user).get(pk=pk)


def submission_overview(*, user, period: Period, kind: str, today) -> list[dict]:
    """Per ward in the user's scope: its versions for the period (newest first) and whether it is late. Two queries."""
    from django.utils import timezone

    from . import rules

    wards = list(ward_list(user=user).order_by("name")) if may_see_ward_reports(user) else []
    versions: dict[int, list] = {}
    for submission in submission_list(user=user).filter(period=period.key, kind=kind, ward__in=[w.pk for w in wards]):
        versions.setdefault(submission.ward_id, []).append(submission)
    deadlines = rules.deadlines(kind=kind, period=period)
    rows = []
    for ward in wards:
        sent = sorted(versions.get(ward.pk, []), key=lambda s: s.version, reverse=True)
        # The day in Vietnam (TIME_ZONE), not in UTC: 06:00 on the 6th is late though UTC still says the 5th.
        sent_as = [(timezone.localdate(s.submitted_at), s.stage) for s in sent]
        states = [{"deadline": d, "state": rules.deadline_state(d, sent=sent_as, today=today)} for d in deadlines]
        state = rules.overall_state([s["state"] for s in states])
        rows.append({"ward": ward, "versions": sent, "state": state, "deadlines": states, "due": deadlines[-1].due})
    return rows


def submission_upper_units(*, user) -> list[UpperUnit]:
    """The upper-level units whose consolidated tables the user may download (none for ward staff)."""
    role = role_of(user)
    if role == Role.ADMIN:
        return list(UpperUnit.objects.all())
    if role == Role.UPPER_LEVEL:
        return list(UpperUnit.objects.filter(pk=user.upper_unit_id))
    return []
