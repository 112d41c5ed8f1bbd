"""Several app servers behind nginx on one PostgreSQL: nothing lives in a server (issue "Stateless web tier").

One module-wide cluster (a fresh migrated database with a few households, two
gunicorn servers, nginx in front) serves every test here; it costs about ten
seconds on an idle machine. It needs PostgreSQL, which the servers share, so it runs in the
PostgreSQL pass of `make test` (CI runs both).
"""

import json
import os
import uuid

import pytest

from .cluster import Browser, Cluster, base_env, manage, seed

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="several servers share one PostgreSQL database; runs in the PostgreSQL pass",
    ),
]
PASSWORD = "hungbinh@2025"


def _admin_connection():
    import psycopg2

    url = os.environ["DATABASE_URL"]
    from urllib.parse import urlparse

    parts = urlparse(url)
    connection = psycopg2.connect(
        dbname="postgres",
        user=parts.username or "postgres",
        password=parts.password or None,
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
    )
    connection.autocommit = True
    return connection, parts


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cluster")
    admin, parts = _admin_connection()
    name = f"{parts.path.lstrip('/')}_cluster_{uuid.uuid4().hex[:6]}"
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    database_url = parts._replace(path=f"/{name}").geturl()
    env = base_env(database_url, tmp / "media")
    cluster = Cluster(tmp=tmp, env=env)
    try:
        manage(env, "migrate", "--noinput", "-v0")
        seed(env, PASSWORD)
        cluster.start()
        yield cluster
    except Exception:
        print(cluster.logs())
        raise
    finally:
        cluster.stop()
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_health_through_nginx(cluster):
    response = Browser(cluster).get("/health/")
    assert response.status == 200
    assert json.loads(response.text)["database"] == "ok"


def test_log_in_on_one_server_and_work_on_the_other(cluster):
    officer = Browser(cluster)
    officer.log_in("canbo", PASSWORD, server="a")
    page = officer.get("/households/", server="b")
    assert page.status == 200, page.text[:500]
    assert cluster.server_of(page) == "b"
    assert "Nguyễn Thị Hằng" in page.text
    # Balanced by nginx, every request of the session works, whichever server answers.
    seen = set()
    for _ in range(6):
        response = officer.get("/households/")
        assert response.status == 200
        seen.add(cluster.server_of(response))
    assert seen == {"a", "b"}
    # A form opened on one server is accepted by the other (CSRF and session are shared).
    response = officer.post("/accounts/logout/", {"csrfmiddlewaretoken": officer.csrf_token()}, server="a")
    assert response.status == 302
    assert officer.get("/households/", server="b").status == 302  # logged out everywhere


def _household(browser, server):
    response = browser.get("/api/v1/households/?status=poor", server=server)
    assert response.status == 200, response.text[:500]
    return json.loads(response.text)["results"][0]


def _edit(browser, household, *, version, head_name, server):
    return browser.post(
        f"/households/{household['id']}/edit/",
        {
            "csrfmiddlewaretoken": browser.csrf_token(),
            "khoi": household["khoi"],
            "code": household["code"],
            "head_name": head_name,
            "address": household["address"],
            "version": version,
        },
        server=server,
    )


def test_two_officers_saving_one_household_on_two_servers_cannot_overwrite_each_other(cluster):
    first, second = Browser(cluster), Browser(cluster)
    first.log_in("canbo", PASSWORD, server="a")
    second.log_in("lanhdao", PASSWORD, server="b")
    household = _household(first, "a")
    # Both opened the form at the same version, each on their own server.
    assert first.get(f"/households/{household['id']}/edit/", server="a").status == 200
    assert second.get(f"/households/{household['id']}/edit/", server="b").status == 200

    saved = _edit(first, household, version=household["version"], head_name="Nguyễn Thị Mới Một", server="a")
    assert saved.status == 302, saved.text[:1000]
    refused = _edit(second, household, version=household["version"], head_name="Trần Văn Mới Hai", server="b")
    # The second officer's form comes back with the first one's saved name shown against theirs.
    assert refused.status == 409
    assert "Nguyễn Thị Mới Một" in refused.text

    detail = json.loads(second.get(f"/api/v1/households/{household['id']}/", server="b").text)
    assert detail["head_name"] == "Nguyễn Thị Mới Một"
    assert detail["version"] == household["version"] + 1
