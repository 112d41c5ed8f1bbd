"""The example deployment files in deploy/ are valid for the programs that read them."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
DEPLOY = BASE_DIR / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def test_nginx_accepts_the_site(tmp_path):
    # The site as an operator installs it, with this checkout's paths, a throw-away certificate and high ports.
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=test",
            "-keyout",
            tmp_path / "key.pem",
            "-out",
            tmp_path / "cert.pem",
        ],
        check=True,
        capture_output=True,
    )
    site = (DEPLOY / "nginx/hungbinh.conf").read_text()
    for old, new in {
        "/srv/hungbinh/deploy/nginx/proxy.conf": str(DEPLOY / "nginx/proxy.conf"),
        "/etc/letsencrypt/live/giamngheo.example.vn/fullchain.pem": str(tmp_path / "cert.pem"),
        "/etc/letsencrypt/live/giamngheo.example.vn/privkey.pem": str(tmp_path / "key.pem"),
        "/var/log/nginx/hungbinh.access.log": str(tmp_path / "access.log"),
        "listen 80;": "listen 127.0.0.1:18080;",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": "listen 127.0.0.1:18443 ssl http2;",
        "listen [::]:443 ssl http2;": "",
    }.items():
        assert old in site, old
        site = site.replace(old, new)
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ access_log off; client_body_temp_path {tmp_path}; proxy_temp_path {tmp_path}; "
        f"include {tmp_path}/site.conf; }}\n"
    )
    result = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_gunicorn_reads_its_configuration():
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config",
            str(DEPLOY / "gunicorn.conf.py"),
            "--check-config",
            "--print-config",
            "hungbinh.wsgi",
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "1", "GUNICORN_WORKERS": "3"},
    )
    assert result.returncode == 0, result.stderr
    config = dict(line.split(" = ", 1) for line in result.stdout.splitlines() if " = " in line)
    config = {name.strip(): value.strip() for name, value in config.items()}
    assert config["workers"] == "3"
    assert config["accesslog"] == "None"
    assert config["timeout"] == "60"


def test_systemd_units_run_the_documented_commands():
    web = (DEPLOY / "systemd/hungbinh-web.service").read_text()
    worker = (DEPLOY / "systemd/hungbinh-worker.service").read_text()
    assert "gunicorn --config deploy/gunicorn.conf.py hungbinh.wsgi" in web
    assert "ExecReload=/bin/kill -s HUP $MAINPID" in web
    assert "celery --app hungbinh worker" in worker
    for unit in (web, worker):
        assert "EnvironmentFile=/etc/hungbinh/env" in unit
        assert "User=hungbinh" in unit


def _settings_read() -> set[str]:
    """Every environment variable the app's code and the deployment files read."""
    patterns = [
        re.compile(r"""\benv\.\w+\(\s*["']([A-Z][A-Z0-9_]+)["']"""),
        re.compile(r"""os\.environ(?:\.get)?[\(\[]\s*["']([A-Z][A-Z0-9_]+)["']"""),
        re.compile(r"""os\.getenv\(\s*["']([A-Z][A-Z0-9_]+)["']"""),
    ]
    files = [*BASE_DIR.glob("hungbinh/**/*.py"), DEPLOY / "gunicorn.conf.py"]
    for app in ("households", "reports", "reviews", "program"):
        files += (BASE_DIR / app).glob("**/*.py")
    names = set()
    for file in files:
        text = file.read_text(encoding="utf-8")
        for pattern in patterns:
            names.update(pattern.findall(text))
    return names


def test_the_readme_configuration_table_lists_every_setting_read():
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    # The rows of the configuration tables: "| `NAME`, `OTHER` | default | meaning |".
    listed = {
        name
        for line in readme.splitlines()
        if line.startswith("| `")
        for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1])
    }
    read = _settings_read()
    assert {"DATABASE_URL", "LOG_FORMAT", "REDIS_URL", "GUNICORN_WORKERS", "IMPORT_JOB_BYTES"} <= read
    assert read - listed == set()


def test_the_example_environment_names_only_documented_settings():
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    example = (DEPLOY / "env.example").read_text(encoding="utf-8")
    names = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert {"DATABASE_URL", "LOG_FORMAT", "CELERY_BROKER_URL"} <= names
    assert {name for name in names if f"`{name}`" not in readme} == set()
