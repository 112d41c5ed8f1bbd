"""The objects of the permission matrix: one of every kind in each place a role may ask about.

Built once per module on top of the shared `World` (tests/conftest.py), with one
more user: a member of a unit of Hưng Bình (the Women's Union, like the demo's
`mattran`), the role that sees only its unit's tasks and support.

Each kind's objects are keyed by target (tests/security/matrix.py, TARGETS):
khối-level objects (a household, a review, a meeting…) lie in that khối;
ward-level ones (a campaign, a plan, a unit…) in its ward, so "own" and
"other_khoi" name the same one. Objects tied to a unit (a task, a support
record) are their unit's: in "own" the unit member's unit, in "other_khoi"
another unit of the same ward (a khối committee, whose tasks a khối member sees).
A job belongs to the user who asked for it: "own" is the asking role's own job,
the other targets someone else's.
"""

import re
from datetime import date

from django.core.files.base import ContentFile

from assignments.models import Duty, ItemAssignment, Task
from projects.models import Budget, FundingSource, Indicator, Intervention, SubProject
from reports.models import Job, Submission
from reviews import services as review_services
from reviews.models import Certificate, Review, Standard

from ..factories import (
    HouseholdFactory,
    MemberFactory,
    PlanFactory,
    PlanItemFactory,
    UnitFactory,
    UnitMemberFactory,
    WardOfficerFactory,
    catalogue_program,
)
from ..reviews.conftest import POOR_SURVEY, to_posted
from .matrix import GLOBAL, TARGETS

WARD_OF = {"hb_k1": "hb", "hb_k2": "hb", "qt_k1": "qt", "other_k1": "other"}


def build(world) -> dict:
    """Every kind's ids per target: {kind: {target name: {url parameter: value}}}, and the unit member."""
    admin = world.users["admin"]
    program = catalogue_program()
    sub = SubProject.objects.get(program=program, code="2")
    central = FundingSource.objects.get(code="central_budget")
    ids: dict[str, dict[str, dict]] = {}

    def put(kind, target, **values):
        ids.setdefault(kind, {})[target] = values

    # The registry: a poor household with a member in each khối (the review lists it), and one that moves away.
    households, members = {}, {}
    for khoi in TARGETS.values():
        households[khoi] = HouseholdFactory(khoi=getattr(world, khoi), code=f"M-{khoi}", status="poor")
        members[khoi] = MemberFactory(household=households[khoi])
        put("household", khoi, pk=households[khoi].pk)
        put("member", khoi, pk=households[khoi].pk, member_pk=members[khoi].pk)
        put("khoi", khoi, pk=getattr(world, khoi).pk)

    # Units of each ward; the unit member works for Hưng Bình's Women's Union.
    units = {
        "hb_k1": UnitFactory(ward=world.hb, name="Hội LHPN phường", kind="mass_organisation"),
        "hb_k2": UnitFactory(ward=world.hb, name="Ban cán sự các khối", kind="khoi_committee"),
        "qt_k1": UnitFactory(ward=world.qt, name="Hội LHPN Quang Trung", kind="mass_organisation"),
        "other_k1": UnitFactory(ward=world.other, name="Hội LHPN ngoài", kind="mass_organisation"),
    }
    unit_member = UnitMemberFactory(username="mattran", unit=units["hb_k1"])

    # Reviews: each ward's periodic campaign of 2025, each khối's review posted, the ward's decision signed.
    campaigns, decisions = {}, {}
    for ward_name in ("hb", "qt", "other"):
        ward = getattr(world, ward_name)
        campaign = review_services.campaign_open(by=admin, ward=ward, kind="periodic", year=2025)
        campaigns[ward_name] = campaign
        reviews = []
        for khoi, of in WARD_OF.items():
            if of != ward_name:
                continue
            review = Review.objects.get(campaign=campaign, household=households[khoi])
            reviews.append(to_posted(campaign, review, officer=admin, survey=POOR_SURVEY))
        report = review_services.upper_report_record(
            by=admin, campaign=campaign, sent_on=date(2025, 11, 10), number="150/BC-UBND"
        )
        decisions[ward_name] = review_services.decision_issue(
            by=admin, campaign=campaign, number="215/QĐ-UBND", signed_on=date(2025, 11, 20), reviews=reviews
        )
        for khoi, of in WARD_OF.items():
            if of == ward_name:
                put("campaign", khoi, pk=campaign.pk, campaign_id=campaign.pk)
                put("decision", khoi, pk=decisions[ward_name].pk)
                put("upper_report", khoi, pk=campaign.pk, report_pk=report.pk)
    for khoi, ward_name in WARD_OF.items():
        campaign = campaigns[ward_name]
        review = Review.objects.get(campaign=campaign, household=households[khoi])
        khoi_pk = getattr(world, khoi).pk
        put("review", khoi, pk=review.pk)
        put("campaign_khoi", khoi, pk=campaign.pk, khoi_pk=khoi_pk, campaign_id=campaign.pk, khoi_id=khoi_pk)
        put("campaign_any_khoi", khoi, pk=campaigns["hb"].pk, khoi_id=khoi_pk)
        put("meeting", khoi, pk=campaign.meetings.get(khoi_id=khoi_pk).pk)
        put("posting", khoi, pk=campaign.postings.get(khoi_id=khoi_pk).pk)
        put("certificate", khoi, pk=Certificate.objects.get(review=review).pk)
        moving = HouseholdFactory(khoi=getattr(world, khoi), code=f"MV-{khoi}", status="poor")
        change = review_services.household_movement_record(
            by=admin, household=moving, movement="moved_away", occurred_on=date(2025, 9, 1), reason="Chuyển đi"
        )
        put("movement", khoi, pk=change.pk)
    standard = Standard.objects.order_by("pk").first()

    # The program: each ward's draft plan with an item, a duty, a budget line and an indicator; a task with a
    # file and a support record per unit.
    for ward_name in ("hb", "qt", "other"):
        ward = getattr(world, ward_name)
        plan = PlanFactory(ward=ward, year=2025, state="draft")
        item = PlanItemFactory(plan=plan, number="1")
        lead = units["hb_k1" if ward_name == "hb" else f"{ward_name}_k1"]
        ItemAssignment.objects.create(item=item, unit=lead, role="lead")
        Duty.objects.create(plan=plan, position=1, heading=lead.name, text="- Vận động hội viên.").units.set([lead])
        budget = Budget.objects.create(plan=plan, subproject=sub, funding_source=central, allocated=10_000_000)
        indicator = Indicator.objects.create(plan=plan, name="Hộ được hỗ trợ", unit="hộ", source="manual")
        for khoi, of in WARD_OF.items():
            if of == ward_name:
                put("plan", khoi, pk=plan.pk)
                put("plan_item", khoi, pk=plan.pk, item_pk=item.pk)
                put("budget", khoi, pk=budget.pk)
                put("indicator", khoi, pk=indicator.pk)
                put("unit", khoi, pk=units[khoi].pk if khoi in units else lead.pk)
                put("ward", khoi, pk=ward.pk, ward_id=ward.pk, unit_id=ward.pk)
                put("upper", khoi, unit_id=ward.upper_unit_id)
        for khoi, of in WARD_OF.items():
            if of != ward_name:
                continue
            task = Task.objects.create(
                ward=ward, plan=plan, title="Tổng hợp báo cáo", lead_unit=units[khoi], due_on=date(2025, 12, 31)
            )
            task.attachment.save("bao-cao.txt", ContentFile(b"noi dung"), save=False)
            task.attachment_name = "bao-cao.txt"
            task.save()
            put("task", khoi, pk=task.pk)
            support = Intervention.objects.create(
                ward=ward,
                household=households[khoi],
                subproject=sub,
                funding_source=central,
                date=date(2025, 6, 1),
                kind="cash",
                amount=100_000,
                recorded_by=admin,
                unit=units[khoi],
            )
            put("intervention", khoi, pk=support.pk)

    # Reports: each ward's submitted results of 2025; a finished job of each user, and one of somebody else.
    for ward_name in ("hb", "qt", "other"):
        ward = getattr(world, ward_name)
        submission = Submission(
            ward=ward,
            kind="results",
            period="2025",
            version=1,
            state="done",
            submitted_by=admin,
            pdf_sha256="0" * 64,
            xlsx_sha256="0" * 64,
        )
        submission.pdf.save("ket-qua.pdf", ContentFile(b"%PDF-1.4 matrix"), save=False)
        submission.xlsx.save("ket-qua.xlsx", ContentFile(b"PK matrix"), save=False)
        submission.save()
        for khoi, of in WARD_OF.items():
            if of == ward_name:
                put("submission", khoi, pk=submission.pk)
    jobs = {}
    for user in [*world.users.values(), unit_member, WardOfficerFactory(username="nguoikhac", ward=world.hb)]:
        job = Job.objects.create(kind="household_list_xlsx", user=user, filename="ds.xlsx", content_type="text/plain")
        job.file.save("ds.xlsx", ContentFile(b"matrix"), save=False)
        job.state = Job.State.DONE
        job.save()
        jobs[user.pk] = job.pk
    return {
        "ids": ids,
        "global": {"standard": standard.pk, "program": program.pk, "subproject": sub.pk},
        "jobs": jobs,
        "someone_else": list(jobs.values())[-1],
        "unit_member": unit_member,
    }


def user_of(world, objects, role):
    return objects["unit_member"] if role == "unit_member_hb" else world.users[role]


def url_of(route, world, objects, role, target, **params):
    """The route's URL about the object of its kind in `target` (a job: the role's own, or someone else's), with
    its query string; `params` overrides the route's own parameters (another extension)."""
    values = dict(route.params) | params
    if route.object == "job":
        own = user_of(world, objects, role).pk
        values["pk"] = objects["jobs"][own] if target == "own" else objects["someone_else"]
    elif route.object in GLOBAL:
        values["pk"] = objects["global"][route.object]
    elif route.object is not None:
        values.update(objects["ids"][route.object][TARGETS[target]])
        if route.object == "member" and "{member_pk}" not in route.path:
            # api/v1/members/{pk}/: the member's own id, not its household's (they matched only when the
            # module ran alone, which hid the mix-up; in the whole suite the ids differ and it was a 404)
            values["pk"] = values["member_pk"]

    def fill(text):
        return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), text)

    return "/" + fill(route.path) + (f"?{fill(route.query)}" if route.query else "")
