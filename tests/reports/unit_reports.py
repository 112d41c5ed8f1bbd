"""What the review-result tables (test_results.py) and the detailed lists (test_detailed_lists.py) are asked for the
same way (/reports/<document>/<level>/<unit>/<period>…): who may open which unit, a period that cannot be read, the
API token, and the job of a large consolidated unit."""

from io import BytesIO

from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from reports.models import Job

# (user, level, unit, status): a ward's staff see their ward, the upper level its wards and itself, the admin all;
# another ward or city is a 404; a khối member, or ward staff asking for the consolidated unit, a 403.
UNIT_ACCESS = [
    ("ward_officer_hb", "ward", "hb", 200),
    ("ward_leader_hb", "ward", "hb", 200),
    ("upper_level", "ward", "hb", 200),
    ("admin", "ward", "other", 200),
    ("ward_officer_qt", "ward", "hb", 404),
    ("upper_level", "ward", "other", 404),
    ("khoi_member_hb_k1", "ward", "hb", 403),
    ("upper_level", "upper", "city", 200),
    ("admin", "upper", "city", 200),
    ("upper_level", "upper", "other_city", 404),
    ("ward_officer_hb", "upper", "city", 403),
    ("khoi_member_hb_k1", "upper", "city", 403),
]


def unit_id(world, unit: str) -> int:
    """The id of a unit named in UNIT_ACCESS."""
    return {
        "hb": world.hb.pk,
        "other": world.other.pk,
        "city": world.hb.upper_unit_id,
        "other_city": world.other.upper_unit_id,
    }[unit]


def assert_unit_access(client, world, document: str, user: str, level: str, unit: str, status: int) -> None:
    """The page and the workbook of `document` ("results", "lists") for 2025 answer `user` with `status`."""
    client.force_login(world.users[user])
    for suffix in ("/", ".xlsx"):
        response = client.get(f"/reports/{document}/{level}/{unit_id(world, unit)}/2025{suffix}")
        assert response.status_code == status, (suffix, response.status_code)


def bad_period_texts(client, world, document: str, period: str) -> list[str]:
    """The PDF, the workbook and the page of Hưng Bình's `document` asked for `period` by its officer: each a 400;
    their texts, for the caller to check that they say what to write."""
    client.force_login(world.users["ward_officer_hb"])
    texts = []
    for suffix in (".pdf", ".xlsx", "/"):
        response = client.get(f"/reports/{document}/ward/{world.hb.pk}/{period}{suffix}")
        assert response.status_code == 400, (period, suffix)
        texts.append(response.content.decode())
    return texts


def assert_token_works_and_anonymous_goes_to_login(client, world, url: str) -> None:
    token = Token.objects.create(user=world.users["upper_level"])
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    assert client.get(url, HTTP_AUTHORIZATION="Token wrong").status_code == 401
    assert client.get(url).status_code == 302


def consolidated_job(client, world, settings, capture_on_commit_callbacks, document: str, extension: str = "xlsx"):
    """The city's `document` for 2025 over more households than the job threshold (3): a script with a token gets
    202 and the job's addresses, and the job ends done. Returns the job and its download."""
    settings.REPORT_TABLE_JOB_THRESHOLD = 3
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=world.users['upper_level']).key}"}
    with capture_on_commit_callbacks(execute=True):
        response = client.get(f"/reports/{document}/upper/{world.hb.upper_unit_id}/2025.{extension}", **auth)
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["id"])
    assert job.state == Job.State.DONE, job.message
    download = client.get(response.json()["status_url"].replace("status/", "download/"), **auth)
    assert download.status_code == 200
    return job, download


def consolidated_job_workbook(client, world, settings, capture_on_commit_callbacks, document: str):
    """The workbook a consolidated_job of `document` gives."""
    _job, download = consolidated_job(client, world, settings, capture_on_commit_callbacks, document)
    return load_workbook(BytesIO(b"".join(download.streaming_content)))
