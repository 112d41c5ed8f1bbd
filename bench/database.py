"""The bench's own PostgreSQL database: created when missing, never the app's database."""

from urllib.parse import urlparse


def ensure_database(url: str) -> None:
    parts = urlparse(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("The bench needs PostgreSQL: set DATABASE_URL=postgres://…/hungbinh_bench")
    import psycopg2

    name = parts.path.lstrip("/")
    connection = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
