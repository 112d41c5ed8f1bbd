"""Demo data of the program (CONTRACT.md section 2): the 2025 plan of the seed for the
demo ward, as data; more is added here as the program's pages arrive."""

from datetime import date

from .catalogue import ensure_catalogue
from .seed_plan import load_seed_plan


def seed_program_demo(*, hb, qt, today: date) -> dict[str, int]:
    """Idempotent: the plan is loaded once per ward."""
    ensure_catalogue()
    created = {"plans": 0}
    created["plans"] += load_seed_plan(hb.pk) is not None
    return created
