"""The production configuration: compose file, deploy checks, settings from the environment."""

import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO_DIR


@pytest.mark.skipif(
    shutil.which("docker-compose") is None, reason="Debian docker-compose is installed by make test"
)
def test_docker_compose_file_is_valid(tmp_path):
    env_file = REPO_DIR / ".env"
    created = not env_file.exists()
    if created:
        shutil.copy(REPO_DIR / ".env.example", env_file)
    try:
        result = subprocess.run(
            ["docker-compose", "-f", str(REPO_DIR / "docker-compose.yml"), "config", "-q"],
            capture_output=True,
            text=True,
            cwd=REPO_DIR,
        )
    finally:
        if created:
            env_file.unlink()
    assert result.returncode == 0, result.stderr


def production_env(**extra) -> dict:
    # Only what production would have: no test-only switches (the browser tests set one process-wide).
    dropped = ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "FAST_PASSWORD_HASHER")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    return {
        **env,
        "DEBUG": "false",
        "SECRET_KEY": "x" * 20 + "-production-secret-" + "y" * 30,
        "ALLOWED_HOSTS": "factcheck.example.org",
        **extra,
    }


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        cwd=REPO_DIR,
        env=production_env(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], capture_output=True, text=True, cwd=REPO_DIR, env=env
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy(client):
    policy = client.get("/accounts/login/").headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    )


@pytest.mark.django_db
def test_the_compose_healthcheck_answers_200_with_production_settings(settings):
    """The web container's probe (plain HTTP to 127.0.0.1) passes although production wants HTTPS and a host."""
    import socket
    import time

    import yaml

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("gunicorn needs a database it can share")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = production_env(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "factcheck.wsgi:application", "--bind", f"127.0.0.1:{port}"],
        cwd=REPO_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    compose = yaml.safe_load((REPO_DIR / "docker-compose.yml").read_text())
    command = compose["services"]["web"]["healthcheck"]["test"][1:]
    command = [sys.executable if part == "python" else part.replace(":8000", f":{port}") for part in command]
    try:
        deadline = time.monotonic() + 30
        while True:
            result = subprocess.run(command, capture_output=True, text=True, env=env)
            if result.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert result.returncode == 0, result.stderr
