"""The personal-data law (91/2025/QH15), swept over every route of the permission matrix, on objects of every kind.

Every route of the URL configuration, through its permission-matrix entry and the entry's variants (the
campaign results' ?khoi=, each file format a route offers), is asked by every role about an object of its
kind that the role sees (tests/security/matrix_world.py; here every person has a citizen ID number, and a
review that applied and was refused joins the posted ones): pages, API answers, the review's papers, the
campaign results, the review-result tables and detailed lists, the household lists, the submissions' stored
files, and each document again as the job runner makes it, read from the job's file. PDFs are read with
pdftotext, workbooks with openpyxl. The rules (docs/personal-data.md):

- a role that may not see ID numbers (the upper level, a unit member) never gets a full one, even when it
  asks with show_ids=1, and has no access-log row saying it did;
- a page or file asked without show_ids shows none (masked by default; the API's contract gives them);
- every answer that shows one shows only numbers of households in the role's scope, and has its access-log
  row naming the household of each number shown;
- no log line carries one;
- a role that may not see a person's ethnicity and disability (the upper level, a unit member) never reads
  them: not the ethnicity every second person has here (SENSITIVE_ETHNICITY), not a non-null `ethnicity` or
  `is_disabled` in the API, and no word naming a disability, except in the notes that say these are withheld
  (WITHHELD_NOTES) and in the aggregate tables, which count persons with a disability (AGGREGATE_ROUTES).

The tests that build the world are named `…role_scope…`: a few minutes on a loaded machine, they are left out of
a quick local run with -k "not role_scope" and run in CI's SQLite pass (sqlite_pass), like the matrix.

A route whose answer the sweep cannot read (a content type it does not know, a file that does not open)
fails it, as a route without an entry fails the matrix: teach `text_of` to read it.
"""

import base64
import contextlib
import functools
import hashlib
import html
import io
import itertools
import json
import logging
import re
import zipfile
from datetime import date

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from households.models import Household, Member, PersonalDataAccess
from households.personal_data import SENSITIVE_FIELDS, may_reveal_id_numbers, may_see_sensitive
from households.selectors import household_list
from projects.models import Intervention
from reports import services as report_services
from reports.models import Submission
from reports.periods import parse_period
from reviews import services as review_services

from ..conftest import module_scoped_world
from ..factories import HouseholdFactory
from ..reports.pdftools import pdf_text, stub_layout
from . import matrix_world
from .matrix import ADMIN, API, PAGE, ROLES, SCOPES, TARGETS, entries, route_choices, visible
from .matrix_world import url_of, user_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_schema_per_language")]  # tests/conftest.py

world = pytest.fixture(module_scoped_world, name="world")  # built once for the module

ENTRIES = entries()
CHOICES = route_choices()
# A route's parameters whose every word is another document (reports/lists/…{extension}: pdf and xlsx).
EXPANDED = ("extension",)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT = frozenset(
    {"text/html", "text/plain", "text/csv", "application/json", "image/svg+xml", "application/vnd.oai.openapi"}
)
# Roles that reveal, asked also without show_ids (the two scopes: the ward's, a khối's); a PDF only without it,
# so that each document is rendered once per role (the administrator and the ward leader ask with show_ids=1).
PLAIN_ASKERS = ("ward_officer_hb", "khoi_member_hb_k1")

# Sensitive data (docs/personal-data.md): every second person of the world is of this ethnic group (one no
# page, list or note names otherwise) and has a disability.
SENSITIVE_ETHNICITY = "Brâu"
# Words that name a disability, in the pages' two languages (lower case, white space as one space).
DISABILITY_WORDS = ("khuyết tật", "disabilit")
# Sentences a role that may not see them still reads: they say that the data is withheld, or what a priority
# group is. Their words are no one's data.
WITHHELD_NOTES = (
    "A person's ethnicity and disability are sensitive personal data and are not shown to your role; "
    "reports give their counts.",
    "Priority groups as of %(day)s: children under 16, people with disabilities and women of target households.",
    "Ethnicity and disability of individual people are withheld (sensitive personal data).",
    "Class: the household's official class on that day. Members: those on the registry now and "
    "those who left the household after that day (with the day they left); the registry keeps no "
    "day a member joined, so one added after that day is listed too. "
    "No ID numbers, ethnicity or disability of a person are listed.",
)
# The places the upper level reads a word naming a disability: aggregate tables, whose column counts the
# persons with a disability of each unit (reports/analysis.py, target_groups_table). Each must meet it.
AGGREGATE_ROUTES = frozenset(
    {
        "reports/results/{level}/{unit_id}/{period}/",
        "reports/results/{level}/{unit_id}/{period}.pdf",
        "reports/results/{level}/{unit_id}/{period}.xlsx",
        "reports/submissions/{pk}.{extension}",
        "api/v1/reports/{pk}/download/",
    }
)


@pytest.fixture(scope="module")
def objects(module_world, django_db_blocker):
    """The matrix's objects, every household with a head and a second person who have ID numbers (born 1990,
    female: 040190000001, …), the second of SENSITIVE_ETHNICITY and with a disability, a regular review that
    applied and was refused, support given to a person, and real submitted reports (PDF and workbook) of Hưng
    Bình and Quang Trung."""
    with django_db_blocker.unblock():
        made = matrix_world.build(module_world)
        asking = HouseholdFactory(khoi=module_world.hb_k1, code="AP-hb_k1", head_name="Lê Thị Đề Nghị", status="poor")
        numbers = {}
        serial = itertools.count(1)
        for household in Household.objects.order_by("pk"):
            head = household.members.order_by("position", "pk").first()
            if head is None:
                head = Member(household=household, gender="female", position=1)
            head.full_name, head.relation = household.head_name, "Chủ hộ"
            head.id_number = f"0401900{next(serial):05d}"
            head.save()
            other = Member.objects.create(
                household=household,
                full_name=f"Người thứ hai {household.code}",
                relation="Con",
                gender="female",
                position=2,
                id_number=f"0401900{next(serial):05d}",
                ethnicity=SENSITIVE_ETHNICITY,
                is_disabled=True,
            )
            numbers[head.id_number] = numbers[other.id_number] = household.pk
            Intervention.objects.filter(household=household).update(member=other, member_name=other.full_name)
        officer, leader = module_world.users["ward_officer_hb"], module_world.users["ward_leader_hb"]
        campaign = review_services.campaign_open(by=officer, ward=module_world.hb, kind="regular", year=2026, month=3)
        applied = review_services.review_add_application(
            by=officer,
            campaign=campaign,
            form="form_01",
            applied_on=date(2026, 3, 16),
            household=asking,
        )
        refused_on = date(2026, 3, 25)
        review_services.review_refuse(by=leader, review=applied, reason="Không đủ điều kiện", refused_on=refused_on)
        made["alternatives"] = {"review": {"hb_k1": {"pk": applied.pk}}}
        admin_user = module_world.users["admin"]
        # Real files where the roles read them (Hưng Bình's, and Quang Trung's for its officer): the matrix's
        # stand-ins are not PDFs.
        for khoi, ward, kinds in (
            ("hb_k1", module_world.hb, ("results", "progress")),
            ("qt_k1", module_world.qt, ("results",)),
        ):
            submitted = [
                report_services.submission_create(by=admin_user, ward=ward, kind=kind, period=parse_period("2025"))
                for kind in kinds
            ]
            for target, of in matrix_world.WARD_OF.items():
                if of == matrix_world.WARD_OF[khoi]:
                    made["ids"]["submission"][target] = {"pk": submitted[0].pk}
                    if len(submitted) > 1:
                        made["alternatives"].setdefault("submission", {})[target] = {"pk": submitted[1].pk}
        assert Submission.objects.filter(state="done").count() >= 3
        made["numbers"] = numbers
        return made


# A chart of a report is an SVG embedded as a data URL, and pygal names each chart it draws anew
# (`chart-<uuid4>`, the scope of the chart's own style sheet): asked twice, the same document differs in those
# names alone, which change nothing of what WeasyPrint lays out or pdftotext reads.
CHART_DATA = re.compile(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)")
CHART_NAME = re.compile(rb"chart-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def layout_key(html: str) -> bytes:
    """What identifies a document's layout: its HTML, each chart's random name left out."""

    def chart(match):
        return hashlib.sha256(CHART_NAME.sub(b"chart", base64.b64decode(match.group(1)))).hexdigest()

    return hashlib.sha256(CHART_DATA.sub(chart, html).encode()).digest()


@pytest.fixture(scope="module", autouse=True)
def one_layout_per_html():
    """Each document's HTML is laid out by WeasyPrint once for the module: a role, a variant or a job whose
    document has the very same HTML as one laid out before (but for its charts' random names: layout_key) gets
    that PDF again (byte for byte what WeasyPrint made of that HTML), read with pdftotext like any other. The
    sweep asks for the same document many times (each role, with and without show_ids, then as a job), and a
    document that shows no personal data is the same HTML for every role: it was the sweep's cost, not what it
    checks."""
    from reports import pdf

    real, laid_out = pdf.html_to_pdf, {}

    def once(html):
        key = layout_key(html)
        if key not in laid_out:
            laid_out[key] = real(html)
        return laid_out[key]

    with pytest.MonkeyPatch.context() as patch:
        stub_layout(patch, once)
        yield laid_out


# --- Reading what a role gets -----------------------------------------------------------------------


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _workbook_text(content: bytes) -> str:
    """Every cell, sheet name, header and footer of the workbook, and its XML parts (hidden parts, properties)."""
    workbook = load_workbook(io.BytesIO(content))
    parts = []
    for sheet in workbook.worksheets:
        parts.append(sheet.title)
        parts += [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
        for header in (sheet.oddHeader, sheet.oddFooter):
            parts += [str(part.text) for part in (header.left, header.center, header.right) if part.text]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts += [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    return "\n".join(parts)


def text_of(response) -> str:
    """What the answer shows, as text; an answer the sweep cannot read fails it."""
    if response.status_code in (301, 302, 303):
        return response["Location"]
    content = _content(response)
    if not content:
        return ""
    kind = response.get("Content-Type", "").split(";")[0].strip()
    if kind in TEXT:
        return content.decode("utf-8")
    if kind == "application/pdf":
        return pdf_text(content)
    if kind == XLSX:
        return _workbook_text(content)
    raise AssertionError(f"the sweep cannot read {kind!r} ({response.request['PATH_INFO']}): teach text_of to")


def shown(text: str, numbers: dict) -> set[str]:
    """The full numbers in the text, also when a line or cell break cut one, or a workbook held it as a number."""
    flat = re.sub(r"\s+", "", text)
    return {n for n in numbers if n in flat or re.search(rf"(?<![0-9]){n.lstrip('0')}(?![0-9])", flat)}


def _flat(text: str) -> str:
    return " ".join(html.unescape(text).casefold().split())


@functools.cache
def _notes() -> list[re.Pattern]:
    """WITHHELD_NOTES as each language renders them, a placeholder matching any words."""
    patterns = []
    for language in ("vi", "en"):
        with translation.override(language):
            for note in WITHHELD_NOTES:
                parts = re.split(r"%\([a-z_]+\)s", translation.gettext(note))
                patterns.append(re.compile(".{0,40}?".join(re.escape(_flat(part)) for part in parts)))
    return patterns


def _sensitive_values(data) -> list:
    """The non-null values of a person's ethnicity or disability anywhere in an API answer."""
    if isinstance(data, dict):
        found = [(k, v) for k, v in data.items() if k in SENSITIVE_FIELDS and v is not None]
        return found + [x for v in data.values() for x in _sensitive_values(v)]
    if isinstance(data, list):
        return [x for v in data for x in _sensitive_values(v)]
    return []


def sensitive_shown(text: str, kind: str) -> tuple[list[str], bool]:
    """What of a person's ethnicity and disability the answer shows: the leaks, and whether it names a
    disability (a leak but in an aggregate table)."""
    flat = _flat(text)
    leaks = [SENSITIVE_ETHNICITY] if _flat(SENSITIVE_ETHNICITY) in flat else []
    if kind == "application/json" and text:
        leaks += [f"{key}={value!r}" for key, value in _sensitive_values(json.loads(text))]
    for pattern in _notes():
        flat = pattern.sub(" ", flat)
    return leaks, any(word in flat for word in DISABILITY_WORDS)


@pytest.fixture
def log_stream():
    (handler,) = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler) and h.filters]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


# --- Which requests -----------------------------------------------------------------------------------


def variants(key):
    """The entry, its `also` routes, each with every word of its expanded parameters."""
    for route in (ENTRIES[key], *ENTRIES[key].also):
        words = [[(name, word) for word in CHOICES.get(key, {}).get(name, ())] for name in EXPANDED]
        words = [w for w in words if w and dict(route.params).get(w[0][0]) is not None]
        for chosen in itertools.product(*words):
            yield route, dict(chosen)


def target_for(route, role) -> str:
    """The first place whose object of the route's kind the role sees (its own khối's, its ward's…)."""
    if route.object in SCOPES:
        return next((t for t, khoi in TARGETS.items() if visible(role, route.object, khoi)), "own")
    return "own"


def urls(route, world, objects, role, params):
    target = target_for(route, role)
    yield url_of(route, world, objects, role, target, **params)
    alternative = objects["alternatives"].get(route.object, {}).get(TARGETS.get(target, ""))
    if alternative and route.object in SCOPES:
        ids = {**objects["ids"], route.object: {**objects["ids"][route.object], TARGETS[target]: alternative}}
        yield url_of(route, world, {**objects, "ids": ids}, role, target, **params)


class Sweep:
    """Asks, reads and checks; remembers which routes showed full numbers and which answered with files."""

    def __init__(self, client, world, objects, *, jobs=None):
        self.client, self.world, self.objects = client, world, objects
        # django_capture_on_commit_callbacks: a job is queued when its row commits, here when the request ends.
        self.jobs = jobs
        self.numbers = objects["numbers"]
        self.showing, self.files = set(), set()
        # The aggregate routes where a role that may not see a person's disability met the word (in a count).
        self.aggregate = set()

    def ask(self, route, role, url, *, plain_page=False):
        user = user_of(self.world, self.objects, role)
        self.client.force_login(user)
        last = PersonalDataAccess.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with self.jobs(execute=True) if self.jobs else contextlib.nullcontext():
            response = getattr(self.client, route.method)(url)
        assert response.status_code < 500, (url, role, response.status_code)
        text = text_of(response)
        kind = response.get("Content-Type", "").split(";")[0]
        if kind in ("application/pdf", XLSX):
            self.files.add(route.path)
        if response.status_code == 302 and re.match(r"^/reports/jobs/[0-9a-f-]{36}/$", response["Location"]):
            # A document made by the job runner: its page and its file are what the user gets.
            text += text_of(self.client.get(response["Location"]))
            text += text_of(self.client.get(response["Location"] + "download/"))
        self.check(route, role, user, url, text, last, plain_page=plain_page)
        if not may_see_sensitive(user):
            self.check_sensitive(route, role, url, text, kind)
        return kind

    def check_sensitive(self, route, role, url, text, kind):
        leaks, names_disability = sensitive_shown(text, kind)
        assert not leaks, f"{role} got a person's ethnicity or disability from {url}: {leaks}"
        if names_disability:
            assert route.path in AGGREGATE_ROUTES, f"{role} read of a disability in {url}, not an aggregate table"
            self.aggregate.add(route.path)

    def check(self, route, role, user, url, text, last, *, plain_page):
        found = shown(text, self.numbers)
        rows = PersonalDataAccess.objects.filter(pk__gt=last, id_numbers_shown=True)
        if not may_reveal_id_numbers(user):
            assert not found, f"{role} got full ID numbers from {url}: {sorted(found)}"
            assert not rows.exists(), f"{role} has a log row of full ID numbers from {url}"
            return
        if plain_page:
            assert not found, f"{url} showed full ID numbers to {role} without show_ids: {sorted(found)}"
        if found:
            self.showing.add(route.path)
            # Only of the households the role sees: a khối member's numbers are its khối's.
            scope = set(household_list(user=user).values_list("pk", flat=True))
            outside = sorted({self.numbers[n] for n in found} - scope)
            assert not outside, f"{url} showed {role} full ID numbers of households outside its scope: {outside}"
            logged = {pk for row in rows.filter(user=user) for pk in row.household_ids}
            missing = sorted({self.numbers[n] for n in found} - logged)
            assert not missing, f"{url} showed {role} full ID numbers of households {missing} without a log row"


def _sweep_route(sweep, key):
    for route, params in variants(key):
        if route.kind not in (PAGE, API):
            continue
        for role in ROLES:
            for url in urls(route, sweep.world, sweep.objects, role, params):
                if route.method != "get":
                    sweep.ask(route, role, url)  # an empty body: its error answer is read too
                    continue
                if role in PLAIN_ASKERS:
                    kind = sweep.ask(route, role, url, plain_page=route.kind == PAGE)
                    if kind == "application/pdf":
                        continue  # a document is rendered once per role; the other roles ask with show_ids=1
                joiner = "&" if "?" in url else "?"
                sweep.ask(route, role, f"{url}{joiner}show_ids=1")


@pytest.mark.sqlite_pass  # the same pages and files on both databases: once in CI, like the matrix
@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_role_scope_sweep_no_full_number_unless_allowed_and_logged(client, world, objects, log_stream, key):
    sweep = Sweep(client, world, objects)
    _sweep_route(sweep, key)
    assert not [n for n in objects["numbers"] if n in log_stream.getvalue()]
    # The allowlist holds only what is needed: each aggregate route of this entry did count the disabled.
    paths = {route.path for route in (ENTRIES[key], *ENTRIES[key].also)}
    assert paths & AGGREGATE_ROUTES <= sweep.aggregate


@pytest.mark.sqlite_pass
def test_role_scope_sweep_documents_made_by_jobs_too(
    client, world, objects, log_stream, settings, django_capture_on_commit_callbacks
):
    """Every file route once more with every list a job (REPORT_JOB_THRESHOLD 0): the job's page and its file
    follow the same rules, and the job logs what it shows."""
    settings.REPORT_JOB_THRESHOLD = settings.REPORT_TABLE_JOB_THRESHOLD = 0
    sweep = Sweep(client, world, objects, jobs=django_capture_on_commit_callbacks)
    for key in sorted(ENTRIES):
        if not re.search(r"\.(pdf|xlsx|\{extension\})$", key):
            continue
        for route, params in variants(key):
            for role in ("ward_officer_hb", "upper_level"):
                for url in urls(route, world, objects, role, params):
                    sweep.ask(route, role, f"{url}{'&' if '?' in url else '?'}show_ids=1")
    assert "reports/households.xlsx" in sweep.showing and "reports/households.pdf" in sweep.showing
    assert not [n for n in objects["numbers"] if n in log_stream.getvalue()]


def test_role_scope_sweep_meets_full_numbers_and_reads_every_kind_of_file(client, world, objects):
    """The sweep is not vacuous: the household page, the member API and the exports do show full numbers to an
    officer who asks (and are logged), and the papers, tables and lists are read as the files they are."""
    sweep = Sweep(client, world, objects)
    for key in ("households/{pk}/", "api/v1/members/", "reports/households.xlsx", "reports/reviews/{pk}.pdf"):
        _sweep_route(sweep, key)
    assert {"households/{pk}/", "api/v1/members/", "reports/households.xlsx"} <= sweep.showing
    assert "reports/reviews/{pk}.pdf" in sweep.files


def test_role_scope_sweep_meets_ethnicity_and_disability_where_they_may_be_shown(client, world, objects):
    """The check of sensitive data is not vacuous: the officer's household page and member API show a person's
    ethnicity and disability, and the check finds them; the upper level's show neither."""
    household = objects["ids"]["household"]["hb_k1"]["pk"]
    for role, shows in (("ward_officer_hb", True), ("upper_level", False)):
        client.force_login(user_of(world, objects, role))
        page_leaks, page_names_disability = sensitive_shown(
            text_of(client.get(f"/households/{household}/")), "text/html"
        )
        api = client.get("/api/v1/members/", {"household": household})
        api_leaks, _names = sensitive_shown(text_of(api), "application/json")
        assert (page_leaks == [SENSITIVE_ETHNICITY], page_names_disability) == (shows, shows), role
        assert (f"ethnicity={SENSITIVE_ETHNICITY!r}" in api_leaks, "is_disabled=True" in api_leaks) == (shows, shows)


def test_role_scope_sweep_of_the_admin_site(client, world, objects, log_stream):
    """The admin's pages of every registered model (its list, and an object's page and history) show no full
    number: it has no reveal, so it could not log one (docs/personal-data.md)."""
    client.force_login(world.users["admin"])
    for model in admin.site._registry:
        opts = model._meta
        pages = [reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages += [
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk]),
                reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[first.pk]),
            ]
        for page in pages:
            response = client.get(page)
            assert response.status_code < 500, page
            found = shown(text_of(response), objects["numbers"])
            assert not found, f"{page} shows full ID numbers: {sorted(found)}"
    assert not [n for n in objects["numbers"] if n in log_stream.getvalue()]


def test_every_route_is_swept():
    """Each entry's kind is one the sweep asks (pages, API) or the admin, swept above, or public (no login)."""
    assert {route.kind for route in ENTRIES.values()} <= {PAGE, API, ADMIN, "public"}


def test_an_answer_the_sweep_cannot_read_fails_it():
    """As a route without an entry fails the matrix: a new kind of answer (a zip, an image…) is read or it fails."""
    from django.http import HttpResponse

    response = HttpResponse(b"PK\x03\x04", content_type="application/zip")
    response.request = {"PATH_INFO": "/reports/archive.zip"}
    with pytest.raises(AssertionError, match="cannot read 'application/zip'"):
        text_of(response)
