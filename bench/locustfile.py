"""A busy review month for `make loadtest`: ward officers working the registry at once.

Run by bench/loadtest.py, which prepares the data and gunicorn and passes the
ids to use in LOADTEST_DATA (a JSON file). Each simulated officer logs in once,
then, with a few seconds between clicks, mixes what officers do most: the list
with and without a search, a household's page, a review's survey saved as
the survey page saves it (bench/loadtest_survey.py), an export and a report
download.
"""

import itertools
import json
import os
import random
import secrets
import string
import sys
import time
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.loadtest_survey import is_stale, survey_patch

DATA = json.loads(open(os.environ["LOADTEST_DATA"], encoding="utf-8").read())  # noqa: SIM115
SEARCHES = ["nguyen thi", "tran van hung", "le thi hoa", "pham", "hoang van nam", "vu thi lan", "dang", "bui van"]
SESSIONS = itertools.cycle(DATA["sessions"])
CSRF_ALPHABET = string.ascii_letters + string.digits


class Officer(HttpUser):
    wait_time = between(1, 4)

    def on_start(self):
        # A session made beforehand (bench/loadtest.py), as after the morning's login.
        self.client.cookies.set("sessionid", next(SESSIONS))
        # A script's CSRF pair, as the page's JavaScript sends it: the cookie and the same value in the header.
        self.csrf = "".join(secrets.choice(CSRF_ALPHABET) for _ in range(32))
        self.client.cookies.set("csrftoken", self.csrf)

    def get(self, url, *, name, params=None, job_ok=False):
        """A GET that counts only the answer itself: a redirect (to the login page) is an error, not a page;
        with `job_ok`, the redirect to a job's page (a large export made as a job) is the answer."""
        with self.client.get(url, params=params, name=name, allow_redirects=False, catch_response=True) as response:
            location = response.headers.get("Location", "")
            if response.status_code == 200 or (job_ok and response.status_code == 302 and "/reports/jobs/" in location):
                response.success()
            else:
                response.failure(f"{response.status_code} {location}")
            return response

    @task(4)
    def list_with_search(self):
        self.get("/households/", params={"q": random.choice(SEARCHES)}, name="list + search")

    @task(3)
    def list_filtered(self):
        params = {"khoi": random.choice(DATA["khoi_ids"]), "status": random.choice(["poor", "near_poor"])}
        self.get("/households/", params=params, name="list (khối, status)")

    @task(4)
    def household_page(self):
        self.get(f"/households/{random.choice(DATA['household_ids'])}/", name="household page")

    @task(2)
    def review_save(self):
        if not DATA.get("review_ids"):
            return
        review_id = random.choice(DATA["review_ids"])
        read = self.get(f"/api/v1/reviews/{review_id}/", name="review (read)")
        if read.status_code != 200:
            return
        body = survey_patch(read.json(), deprivation_codes=DATA["deprivation_codes"], rng=random)
        started = time.perf_counter()
        with self.client.patch(
            f"/api/v1/reviews/{review_id}/",
            json=body,
            headers={"X-CSRFToken": self.csrf},
            name="review save",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                response.success()
                return
            try:
                answer = response.json()
            except ValueError:
                answer = None
            if not is_stale(response.status_code, answer):
                response.failure(f"{response.status_code}: {response.text[:300]}")
                return
            # Another officer saved this review first: refused as it must be, so not an error; also counted by name.
            response.success()
            self.environment.events.request.fire(
                request_type="PATCH",
                name="review save: stale version refused",
                response_time=(time.perf_counter() - started) * 1000,
                response_length=len(response.content or b""),
                exception=None,
                context={},
            )

    @task(1)
    def export(self):
        params = {"khoi": random.choice(DATA["khoi_ids"]), "status": "poor"}
        self.get("/reports/households.xlsx", params=params, name="export (xlsx)", job_ok=True)

    @task(1)
    def report(self):
        # The ward's review-result tables of the year (reports app), as Excel.
        self.get(DATA["report_path"], name="report (review-result tables, xlsx)", job_ok=True)

    @task(1)
    def campaign_results(self):
        # The results of the review month being worked (every khối's counts and the household list), as Excel:
        # what the ward sends upward at the end of the campaign.
        self.get(f"/reports/reviews/{DATA['campaign_id']}.xlsx", name="report (campaign results, xlsx)", job_ok=True)
