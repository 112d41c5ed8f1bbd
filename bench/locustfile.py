"""A busy review month for `make loadtest`: ward officers working the registry at once.

Run by bench/loadtest.py, which prepares the data and gunicorn and passes the
ids to use in LOADTEST_DATA (a JSON file). Each simulated officer logs in once,
then, with a few seconds between clicks, mixes what officers do most: the list
with and without a search, a household's page, a review's save (when the
reviews app is there), an export and a report download.
"""

import itertools
import json
import os
import random

from locust import HttpUser, between, task

DATA = json.loads(open(os.environ["LOADTEST_DATA"], encoding="utf-8").read())  # noqa: SIM115
SEARCHES = ["nguyen thi", "tran van hung", "le thi hoa", "pham", "hoang van nam", "vu thi lan", "dang", "bui van"]
SESSIONS = itertools.cycle(DATA["sessions"])


class Officer(HttpUser):
    wait_time = between(1, 4)

    def on_start(self):
        # A session made beforehand (bench/loadtest.py), as after the morning's login.
        self.client.cookies.set("sessionid", next(SESSIONS))

    @task(4)
    def list_with_search(self):
        self.client.get("/households/", params={"q": random.choice(SEARCHES)}, name="list + search")

    @task(3)
    def list_filtered(self):
        params = {"khoi": random.choice(DATA["khoi_ids"]), "status": random.choice(["poor", "near_poor"])}
        self.client.get("/households/", params=params, name="list (khối, status)")

    @task(4)
    def household_page(self):
        self.client.get(f"/households/{random.choice(DATA['household_ids'])}/", name="household page")

    @task(2)
    def review_save(self):
        if not DATA.get("review_ids"):
            return
        review_id = random.choice(DATA["review_ids"])
        read = self.client.get(f"/api/v1/reviews/{review_id}/", name="review (read)")
        review = read.json() if read.ok else None
        # Saving a field back: a real write with its history, no change of state.
        if review:
            self.client.patch(
                f"/api/v1/reviews/{review_id}/",
                json={"explanation": review.get("explanation", "")},
                headers={"X-CSRFToken": self.client.cookies.get("csrftoken", "")},
                name="review save",
            )

    @task(1)
    def export(self):
        params = {"khoi": random.choice(DATA["khoi_ids"]), "status": "poor"}
        self.client.get("/reports/households.xlsx", params=params, name="export (xlsx)")

    @task(1)
    def report(self):
        if not DATA.get("report_path"):
            return
        params = {"khoi": random.choice(DATA["khoi_ids"]), "status": "poor"}
        self.client.get(DATA["report_path"], params=params, name="report (pdf)")
