"""docker-compose.yml, the Dockerfile and .env.example, checked without a Docker engine:
the file parses, every service runs a `tracker` command that exists, every variable it
names is a setting, the secrets stop compose when missing, postgres is healthy before the
tracker starts and keeps its data in a volume."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from application.settings import Settings
from entrypoints.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
SECRETS = ("TRACKER_ENCRYPTION_KEY", "TRACKER_POSTGRES_PASSWORD")
TRACKER_SERVICES = ("api", "projector", "scheduler")


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def compose_text() -> str:
    return (ROOT / "docker-compose.yml").read_text()


def env_example() -> dict[str, str]:
    """Every variable .env.example names: its value, or a commented example's."""
    values: dict[str, str] = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        assignment = line.strip().removeprefix("# ").strip()
        if re.fullmatch(r"[A-Z][A-Z0-9_]*=.*", assignment):
            name, _, value = assignment.partition("=")
            if line.startswith("#"):
                values.setdefault(name, value)
            else:
                values[name] = value
    return values


def interpolated(text: str) -> set[str]:
    """The variables compose substitutes (``$${X}`` is a literal for the container's shell)."""
    return set(re.findall(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)", text))


def is_setting(variable: str) -> bool:
    return variable.removeprefix("TRACKER_").lower() in Settings.model_fields


def command_words(service: dict[str, Any]) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else [str(w) for w in command]


def subcommands(parser: Any) -> dict[str, Any]:
    actions = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    return dict(actions[0].choices) if actions else {}


def test_the_compose_file_starts_the_production_shape() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", "api", "projector", "scheduler", "smtp"}
    assert services["postgres"]["image"].startswith("postgres:16.")
    assert services["smtp"]["image"].startswith("axllent/mailpit")
    assert any(str(p).endswith(":8025") for p in services["smtp"]["ports"])  # its web UI


@pytest.mark.parametrize("name", TRACKER_SERVICES)
def test_each_service_runs_a_tracker_command_that_exists(name: str) -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    words = command_words(compose()["services"][name])
    assert words[0] in scripts
    parser = build_parser()
    assert words[1] in subcommands(parser)
    parser.parse_args(words[1:])  # the options too (argparse exits on an unknown one)


@pytest.mark.parametrize("name", TRACKER_SERVICES)
def test_each_tracker_service_reads_the_one_env_file_and_waits_for_a_healthy_postgres(
    name: str,
) -> None:
    service = compose()["services"][name]
    assert service["env_file"] in (".env", [".env"])
    assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
    environment = service["environment"]
    assert environment["TRACKER_ENV"] == "production"
    assert environment["TRACKER_DATABASE"] == "postgres"
    assert environment["TRACKER_POSTGRES_HOST"] == "postgres"
    for secret in SECRETS:
        assert secret in environment


def test_the_api_holds_no_state_and_can_be_replicated() -> None:
    api = compose()["services"]["api"]
    assert api["environment"]["TRACKER_PROJECTOR_IN_PROCESS"] == "false"
    assert api["environment"]["TRACKER_SCHEDULER_IN_API"] == "false"
    assert "container_name" not in api
    (published,) = api["ports"]
    host = str(published).rsplit(":", 1)[0]
    default = re.sub(r"\$\{[A-Z_]+:-(.*)\}", r"\1", host)
    assert re.search(r"\d+-\d+$", default), "replicas need a host port range, not one port"
    assert "/healthz" in json.dumps(api["healthcheck"]["test"])
    words = command_words(api)
    assert words[words.index("--host") + 1] == "0.0.0.0"


def test_every_tracker_variable_is_a_setting() -> None:
    services = compose()["services"]
    named = interpolated(compose_text()) | set(env_example())
    for name in TRACKER_SERVICES:
        named |= set(services[name]["environment"])
    tracker_variables = {v for v in named if v.startswith("TRACKER_")}
    assert len(tracker_variables) > 10
    assert not {v for v in tracker_variables if not is_setting(v)}


def test_every_variable_compose_substitutes_is_in_env_example() -> None:
    assert interpolated(compose_text()) <= set(env_example())


def test_the_secrets_stop_compose_when_missing() -> None:
    text = compose_text()
    for secret in SECRETS:
        uses = re.findall(r"\$\{" + secret + r"([^}]*)\}", text)
        assert uses, secret
        assert all(use.startswith(":?") and len(use) > 10 for use in uses), uses
    postgres = compose()["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"]
    assert postgres.startswith("${TRACKER_POSTGRES_PASSWORD:?")


def test_env_example_leaves_the_secrets_empty_so_compose_stops_until_they_are_set() -> None:
    """A copied .env with nothing filled in must not start postgres with a placeholder
    password: an empty value makes ``${VAR:?}`` stop compose."""
    example = env_example()
    for secret in SECRETS:
        assert example[secret] == "", secret
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".env" in ignored


def test_postgres_is_checked_with_pg_isready_and_keeps_its_data_in_a_volume() -> None:
    data = compose()
    postgres = data["services"]["postgres"]
    assert "pg_isready" in json.dumps(postgres["healthcheck"]["test"])
    volume = postgres["volumes"][0].split(":")[0]
    assert volume in data["volumes"]


def dockerfile() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1].strip())
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def test_the_dockerfile_installs_the_project_and_runs_as_a_user() -> None:
    instructions = dockerfile()
    stages = [v for k, v in instructions if k == "FROM"]
    # the browser files are made in a first stage by the set-up's own script; the image is
    # the last stage
    assert stages == ["node:20-bookworm-slim AS assets", "python:3.11-slim"]
    assert ("RUN", "bash scripts/assets") in instructions
    assert ("COPY", "--from=assets /build/web/static/vendor ./web/static/vendor") in instructions
    assert any(k == "RUN" and "pip install --no-deps ." in v for k, v in instructions)
    users = [v for k, v in instructions if k == "USER"]
    assert users
    assert users[-1] not in ("root", "0")


def test_the_image_installs_the_locked_dependencies_before_it_copies_the_code() -> None:
    """A change to the code reuses the dependencies' layer; only the lock rebuilds it."""
    instructions = dockerfile()
    steps = [f"{k} {v}" for k, v in instructions]
    lock = steps.index("COPY requirements.lock ./")
    install = next(i for i, s in enumerate(steps) if "--require-hashes -r requirements.lock" in s)
    first_code = next(i for i, s in enumerate(steps) if s.startswith("COPY domain"))
    assert lock < install < first_code
    assert not any(s.startswith("COPY . ") for s in steps)


def test_the_image_and_every_service_have_a_healthcheck() -> None:
    assert any(k == "HEALTHCHECK" and "/healthz" in v for k, v in dockerfile())
    services = compose()["services"]
    missing = [name for name, service in services.items() if "healthcheck" not in service]
    assert not missing
    # the projector's and scheduler's checks ask the metrics port they are given
    for name, setting in (
        ("projector", "TRACKER_PROJECTOR_METRICS_PORT"),
        ("scheduler", "TRACKER_SCHEDULER_METRICS_PORT"),
    ):
        port = services[name]["environment"][setting]
        assert f"127.0.0.1:{port}/metrics" in " ".join(services[name]["healthcheck"]["test"])


def test_every_image_is_pinned_to_a_release() -> None:
    for name, service in compose()["services"].items():
        image = service.get("image", "")
        if name in TRACKER_SERVICES:
            continue  # the project's own image, built here
        tag = image.rpartition(":")[2]
        assert re.fullmatch(r"v?\d+\.\d+(\.\d+)?(-[a-z0-9]+)?", tag), f"{name}: {image}"


def test_the_image_copies_and_installs_every_layer_with_its_subpackages() -> None:
    """pyproject finds its packages (a plain list left out subpackages such as api.routes:
    the image could not serve), and the Dockerfile copies in every layer it finds."""
    found = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    layers = [pattern.removesuffix("*") for pattern in found["packages"]["find"]["include"]]
    assert {"domain", "application", "projections", "api", "scheduler", "entrypoints"} <= set(
        layers
    )
    copied = {v.split()[0] for k, v in dockerfile() if k == "COPY"}
    assert set(layers) <= copied
    assert all((ROOT / layer / "__init__.py").is_file() for layer in layers)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["keys", "--help"], "create"),  # `docker run IMAGE keys --help`
        (["tracker", "keys", "--help"], "create"),  # `docker compose run api tracker ...`
        (["python", "-c", "print('as given')"], "as given"),
    ],
)
def test_the_entrypoint_runs_tracker(args: list[str], expected: str) -> None:
    """The image's entrypoint is a /bin/sh line; run it here with the venv's ``tracker``."""
    (entrypoint,) = [json.loads(v) for k, v in dockerfile() if k == "ENTRYPOINT"]
    assert entrypoint[:2] == ["/bin/sh", "-c"]
    bin_dir = str(Path(sys.executable).parent)
    done = subprocess.run(
        [*entrypoint, *args],
        env={"PATH": f"{bin_dir}:/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout
