"""The review save of `make loadtest`, as the survey page sends it (PATCH /api/v1/reviews/<id>/, docs/reviews.md).

Kept apart from bench/locustfile.py (which needs locust and the run's data) so that
a test can send the same body to the real API.
"""

import random

# The causes of poverty the API accepts (reviews.models.Cause).
CAUSES = ["land", "capital", "labour", "tools", "skills", "illness"]


def survey_patch(review: dict, *, deprivation_codes: list[str], rng: random.Random) -> dict:
    """A draft survey for `review` (as read from the API): income, score A, deprivations, causes and its version.

    The version is the one read: a save racing another one on the same review is refused,
    not silently applied over it (see `is_stale`).
    """
    return {
        "version": review["version"],
        "income_per_capita": rng.randrange(600_000, 3_000_000, 10_000),
        "score_a": rng.randint(60, 200),
        "deprivations": rng.sample(deprivation_codes, k=min(len(deprivation_codes), rng.randint(0, 4))),
        "causes": rng.sample(CAUSES, k=rng.randint(0, 2)),
    }


def is_stale(status: int, body) -> bool:
    """The answer to a save whose version another officer's save made stale.

    The reviews API answers it 400 with a `version` error (a household's edit answers 409);
    both are the expected refusal of a lost update, not an error of the server.
    """
    return status == 409 or (status == 400 and isinstance(body, dict) and "version" in body)
