"""Documents: the PDF list and the Excel list as a job, each against its bare library; the plan PDF; memory.

The PDF baseline is bare WeasyPrint rendering the same table (the same rows
straight from SQL, joined into HTML by hand, the same stylesheet), so the ratio
is what the app adds: the scoped query, the list's rules, Django's template and
the document's heading. The Excel baseline is bare openpyxl (measure.bare_export).
"""

import multiprocessing
import resource
import tempfile
import time
from html import escape

from django.conf import settings
from django.db import connection
from django.urls import reverse

from households.models import Household, Member
from reports import pdf
from reports.household_lists import household_list_build, render_household_list_pdf
from reports.models import Job

from .measure import Figure, _client, _iterate, _param, app_export, bare_export, median_time

LIST_SQL = """
SELECT h.code, k.name, h.head_name, h.address, h.status, h.status_since, h.escaped_poverty_on,
       h.ethnic_minority, h.has_merit_person,
       (SELECT COUNT(*) FROM households_member m WHERE m.household_id = h.id)
FROM households_household h JOIN households_khoi k ON k.id = h.khoi_id
WHERE h.ward_id = {p} ORDER BY h.name_key, h.id
"""


def bare_pdf(ward_id: int, output) -> int:
    """WeasyPrint alone: the same table from SQL, HTML joined by hand, the same stylesheet."""
    rows = []
    for number, row in enumerate(_iterate(LIST_SQL.format(p=_param()), [ward_id]), start=1):
        code, khoi, head, address, status, since, escaped, ethnic, merit, members = row
        cells = (
            number, khoi, code, head, address, status, since.strftime("%d/%m/%Y") if since else "",
            escaped.strftime("%d/%m/%Y") if escaped else "", "x" if ethnic else "", "x" if merit else "", members,
        )  # fmt: skip
        rows.append("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in ("STT", "Khối", "Mã hộ", "Chủ hộ", "Địa chỉ", "Phân loại", "Từ ngày",
                                              "Đến ngày", "DTTS", "NCC", "NK"))  # fmt: skip
    html = (
        '<html><body class="landscape"><table class="data"><colgroup><col class="c-no"><col class="c-khoi">'
        '<col class="c-code"><col class="c-head"><col class="c-address"><col class="c-status"><col class="c-date">'
        '<col class="c-date"><col class="c-mark"><col class="c-mark"><col class="c-count"></colgroup>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></body></html>"
    )
    pdf.html_to_pdf(html, output)
    return len(rows)


def app_pdf(client, ward_id: int) -> int:
    response = client.get(f"{reverse('report-households-pdf')}?ward={ward_id}")
    if response.status_code != 200:
        raise RuntimeError(f"/reports/households.pdf answered {response.status_code}")
    return len(response.content)


def measure_pdf_list(*, ward, repeat: int) -> Figure:
    """(e) rows/s of the PDF list of a ward answered in the request (at most the job threshold)."""
    figure = Figure("(e) PDF household list", goal="≥ 0.8× bare WeasyPrint rows/s, same table")
    if pdf.check_available():
        figure.notes.append(pdf.check_available())
        return figure
    rows = Household.objects.filter(ward=ward.ward).count()
    client = _client(ward.officer)

    def bare():
        with tempfile.TemporaryFile() as output:
            bare_pdf(ward.ward.pk, output)

    app_pdf(client, ward.ward.pk)  # warm-up: fonts, templates, the WeasyPrint import
    app_time = median_time(lambda: app_pdf(client, ward.ward.pk), repeat, warmup=0)
    bare_time = median_time(bare, repeat, warmup=0)
    ratio = bare_time / app_time
    figure.measured = f"{rows / app_time:,.0f} rows/s ({app_time:.1f} s)"
    figure.baseline = f"{rows / bare_time:,.0f} rows/s ({bare_time:.1f} s)"
    figure.ratio = f"{ratio:.2f}×"
    figure.met = ratio >= 0.8
    figure.notes.append(f"{rows:,} households, one landscape A4 document")
    return figure


def _job_export(client, query: str) -> int:
    """Ask for the Excel list, check it became a job (eager here), download it (measure.app_export follows it)."""
    before = Job.objects.count()
    size = app_export(client, query)
    if Job.objects.count() != before:
        raise RuntimeError("the job was not cleaned up")
    return size


def measure_excel_job(*, large, repeat: int) -> Figure:
    """(f) the Excel list of one khối as a job (queued, run, stored, downloaded) against bare openpyxl."""
    figure = Figure("(f) Excel household list as a job", goal="≥ 0.9× bare openpyxl rows/s")
    khoi = large.khois[0]
    if Household.objects.filter(khoi=khoi).count() <= settings.REPORT_JOB_THRESHOLD:
        figure.notes.append("the khối is below the job threshold: not a job")
    client = _client(large.officer)
    rows = Household.objects.filter(khoi=khoi).count() + Member.objects.filter(household__khoi=khoi).count()

    def bare():
        with tempfile.TemporaryFile() as output:
            bare_export(large.ward.pk, output, khoi.pk)

    _job_export(client, f"?khoi={khoi.pk}")
    app_time = median_time(lambda: _job_export(client, f"?khoi={khoi.pk}"), repeat, warmup=0)
    bare_time = median_time(bare, repeat, warmup=0)
    ratio = bare_time / app_time
    figure.measured = f"{rows / app_time:,.0f} rows/s ({app_time:.1f} s)"
    figure.baseline = f"{rows / bare_time:,.0f} rows/s ({bare_time:.1f} s)"
    figure.ratio = f"{ratio:.2f}×"
    figure.met = ratio >= 0.9
    figure.notes.append(
        f"{rows:,} rows (households and members of {khoi.name}), through the job runner and the storage"
    )
    return figure


def _render_in_child(user_pk: int, params: dict, queue) -> None:
    from hungbinh.accounts.models import User

    connection.close()  # the child opens its own connection
    start = time.perf_counter()
    household_list = household_list_build(user=User.objects.get(pk=user_pk), params=params)
    with tempfile.TemporaryFile() as output:
        render_household_list_pdf(household_list, output)
        size = output.tell()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((len(household_list.rows), time.perf_counter() - start, peak_kib, size))


def measure_pdf_memory(*, large, rows: int) -> Figure:
    """(g) peak memory (resident set of a process doing only this) of a PDF list of about `rows` households."""
    figure = Figure(f"(g) PDF list of {rows:,} households: peak memory", goal="printed (no goal)")
    if pdf.check_available():
        figure.notes.append(pdf.check_available())
        return figure
    # The khối of the bench ward in order, until about `rows` households: a filter a ward officer would use.
    khoi = large.khois[0]
    params = {"khoi": str(khoi.pk)}
    available = Household.objects.filter(khoi=khoi).count()
    if available > rows:
        # Narrow by status to come near the asked size without a special parameter.
        for status in ("poor", "near_poor", "average", "not_poor"):
            count = Household.objects.filter(ward=large.ward, status=status).count()
            if abs(count - rows) < abs(available - rows):
                params, available = {"ward": str(large.ward.pk), "status": status}, count
    connection.close()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_render_in_child, args=(large.officer.pk, params, queue))
    child.start()
    count, seconds, peak_kib, size = queue.get()
    child.join()
    figure.measured = f"{peak_kib / 1024:,.0f} MiB peak RSS"
    figure.met = True
    figure.notes.append(
        f"{count:,} households ({params}), {seconds:.0f} s, {count / seconds:,.0f} rows/s, PDF {size / 2**20:.1f} MiB"
    )
    return figure


def measure_plan_pdf(*, ward, repeat: int) -> Figure:
    """(h) the signed 2025 plan as the official document, through its URL, after a first warm-up render."""
    from projects.models import Plan
    from projects.seed_plan import load_seed_plan

    figure = Figure("(h) Plan PDF (the 2025 plan, 7 pages)", goal="≤ 2 s")
    if pdf.check_available():
        figure.notes.append(pdf.check_available())
        return figure
    plan = load_seed_plan(ward.ward.pk) or Plan.objects.get(ward=ward.ward, year=2025, state="issued")
    client = _client(ward.officer)
    url = reverse("report-plan-pdf", kwargs={"pk": plan.pk})

    def download():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")

    download()  # the first render of a process also loads WeasyPrint and the fonts
    seconds = median_time(download, repeat, warmup=0)
    figure.measured = f"{seconds:.2f} s"
    figure.baseline = "2 s (goal)"
    figure.ratio = f"{seconds / 2:.2f} of the budget"
    figure.met = seconds <= 2
    return figure
