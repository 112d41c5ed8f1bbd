"""Helpers of the submissions' tests (test_submissions.py, test_submission_files.py)."""

from ..factories import HouseholdFactory, MemberFactory

# A test storage of plain files, whatever the environment configures (S3 in production).
FILE_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def add_ward_data(world):
    """Two poor households with a member each in Hưng Bình's khối 1, a near-poor one in Quang Trung."""
    for _n in range(2):
        MemberFactory(household=HouseholdFactory(khoi=world.hb_k1, status="poor"))
    HouseholdFactory(khoi=world.qt_k1, status="near_poor")
    return world


def submit(client, world, user="ward_officer_hb", period="2025", ward=None):
    client.force_login(world.users[user])
    return client.post(f"/reports/submissions/submit/{(ward or world.hb).pk}/{period}/")


def body(response) -> bytes:
    return b"".join(response.streaming_content)
