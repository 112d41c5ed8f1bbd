"""Two gunicorn servers behind a real nginx on the loopback, on one PostgreSQL database.

Used by tests/ops/test_two_servers.py. Everything runs as this user's own
processes in a temporary directory on free ports: nginx with a config written
here that includes deploy/nginx/proxy.conf (the file operators install), and
gunicorn with deploy/gunicorn.conf.py.
"""

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# The Redis database of the operations tests (here and tests/ops/test_health.py): 8, or TESTS_REDIS_DB, so that
# two runs on one machine keep apart (the cluster's worker of one would answer the other's "no worker" ping).
REDIS_URL = f"redis://127.0.0.1:6379/{os.environ.get('TESTS_REDIS_DB', '8')}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port}")


NGINX_CONF = """
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
worker_processes 1;
events {{ worker_connections 64; }}
http {{
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    access_log off;
    upstream hungbinh_app {{
        server 127.0.0.1:{port_a} max_fails=2 fail_timeout=10s;
        server 127.0.0.1:{port_b} max_fails=2 fail_timeout=10s;
        keepalive 4;
    }}
    # Tests pin a request to one server with X-Test-Server; without it nginx
    # balances over both, as in production.
    map $http_x_test_server $app {{
        a 127.0.0.1:{port_a};
        b 127.0.0.1:{port_b};
        default hungbinh_app;
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        add_header X-Upstream $upstream_addr always;
        location / {{
            proxy_pass http://$app;
            include {proxy_conf};
        }}
    }}
}}
"""


@dataclass
class Cluster:
    tmp: Path
    env: dict
    port: int = 0
    ports: dict = field(default_factory=dict)
    processes: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def server_of(self, response) -> str:
        upstream = response.headers.get("X-Upstream", "")
        return next((name for name, port in self.ports.items() if upstream.endswith(f":{port}")), upstream)

    def start(self) -> None:
        self.ports = {"a": free_port(), "b": free_port()}
        for name, port in self.ports.items():
            self.start_server(name, port)
        self.port = free_port()
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.tmp / sub).mkdir(exist_ok=True)
        conf = self.tmp / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                tmp=self.tmp,
                port=self.port,
                port_a=self.ports["a"],
                port_b=self.ports["b"],
                proxy_conf=BASE_DIR / "deploy/nginx/proxy.conf",
            )
        )
        self.processes["nginx"] = subprocess.Popen(
            [NGINX, "-p", str(self.tmp), "-c", str(conf), "-g", "daemon off;"],
            stdout=(self.tmp / "nginx.out").open("w"),
            stderr=subprocess.STDOUT,
        )
        for name, port in [*self.ports.items(), ("nginx", self.port)]:
            wait_for_port(port, self.processes[name])

    def start_server(self, name: str, port: int) -> None:
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"}
        self.processes[name] = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--config",
                str(BASE_DIR / "deploy/gunicorn.conf.py"),
                # Loaded once in the master: starts faster on a busy machine.
                "--preload",
                "hungbinh.wsgi",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=(self.tmp / f"server-{name}.log").open("w"),
            stderr=subprocess.STDOUT,
        )

    def start_process(self, name: str, argv: list[str], **extra_env) -> subprocess.Popen:
        self.processes[name] = subprocess.Popen(
            argv,
            cwd=BASE_DIR,
            env={**self.env, **extra_env},
            stdout=(self.tmp / f"{name}.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self.processes[name]

    def stop(self) -> None:
        # Quick shutdown (SIGINT for gunicorn, SIGTERM for nginx, SIGKILL for the worker's
        # process group): the test is over.
        for name, process in self.processes.items():
            if process.poll() is None:
                if name == "worker":
                    os.killpg(process.pid, signal.SIGKILL)
                else:
                    process.send_signal(signal.SIGTERM if name == "nginx" else signal.SIGINT)
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in sorted(self.tmp.glob("*.log")))


class Browser:
    """A person with cookies, talking to nginx; `server` pins the requests to one app server."""

    def __init__(self, cluster: Cluster):
        self.cluster = cluster
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())

    def request(
        self,
        method: str,
        path: str,
        data: dict | None = None,
        *,
        server: str | None = None,
        body: bytes | None = None,
        content_type: str = "application/x-www-form-urlencoded",
        **headers,
    ):
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.cluster.url + path, data=body, method=method)
        request.add_header("Accept-Language", "vi")
        if server:
            request.add_header("X-Test-Server", server)
        if body is not None:
            request.add_header("Content-Type", content_type)
            request.add_header("Referer", self.cluster.url + path)
            request.add_header("X-CSRFToken", self.csrf_token())
        for name, value in headers.items():
            request.add_header(name.replace("_", "-"), value)
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        response.body = response.read()
        response.text = response.body.decode("utf-8", "replace")
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data, **kwargs):
        return self.request("POST", path, data, **kwargs)

    def upload(self, path, fields: dict, files: dict[str, tuple[str, bytes]], **kwargs):
        """POST a multipart form: `files` maps a field to (file name, content)."""
        boundary = f"----hungbinh{uuid.uuid4().hex}"
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, content) in files.items():
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            )
            parts.append(head.encode() + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST", path, body=b"".join(parts), content_type=f"multipart/form-data; boundary={boundary}", **kwargs
        )

    def csrf_token(self) -> str:
        return next((c.value for c in self.cookies if c.name == "csrftoken"), "")

    def log_in(self, username: str, password: str, *, server: str) -> None:
        self.get("/accounts/login/", server=server)
        response = self.post(
            "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": self.csrf_token()},
            server=server,
        )
        assert response.status == 302, response.text[:2000]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def hidden_value(page: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', page
    )
    assert match, f"no field {name}"
    return match.group(1)


def manage(env: dict, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


# The least data the tests need, through the services (seed_demo would load far more).
SEED = """
import datetime
from households import services
from households.models import Khoi, UpperUnit, Ward
from hungbinh.accounts.models import User
from hungbinh.accounts.roles import Role

unit = UpperUnit.objects.create(name="Thành phố Vinh", code="VINH")
ward = Ward.objects.create(name="Hưng Bình", code="HB", upper_unit=unit)
khoi = [Khoi.objects.create(ward=ward, name=f"Khối {n}", position=n) for n in (1, 2)]
officer = User.objects.create_user("canbo", password="@PASSWORD@", role=Role.WARD_OFFICER, ward=ward)
User.objects.create_user("lanhdao", password="@PASSWORD@", role=Role.WARD_LEADER, ward=ward)
for n in range(6):
    services.household_create(
        by=officer, khoi=khoi[n % 2], code=f"HB-{n:03d}", head_name=f"Nguyễn Thị Hằng {n}",
        address="Số 1, đường Lê Lợi", status="poor", status_since=datetime.date(2024, 1, 15),
    )
"""


def seed(env: dict, password: str) -> None:
    manage(env, "shell", "-c", SEED.replace("@PASSWORD@", password))


def base_env(database_url: str, media_root: Path) -> dict:
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TZ", "PYTHONPATH"}
    return {
        **{k: v for k, v in os.environ.items() if k in keep},
        "DJANGO_SETTINGS_MODULE": "hungbinh.settings",
        "DEBUG": "1",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
    }
