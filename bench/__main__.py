"""python -m bench: set up the dedicated PostgreSQL database, generate the data, measure, report."""

import os
import sys

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/hungbinh_bench"


def main() -> int:
    os.environ.setdefault("DEBUG", "1")  # the development key; DEBUG itself is switched off below
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hungbinh.settings")
    from bench.database import ensure_database

    ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from bench.run import main as run

    return run(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
