"""The lock files (scripts/lock) hold what pyproject.toml asks for: every dependency pinned,
at a version its range allows, with hashes; the service's pins are the tests' pins."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", re.MULTILINE)


def pins(lock: str) -> dict[str, Version]:
    text = (ROOT / lock).read_text()
    return {canonicalize_name(name): Version(v) for name, v in PIN.findall(text)}


def requirements(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    return [Requirement(r) for r in listed]


@pytest.mark.parametrize(
    ("lock", "extras"),
    [("requirements.lock", [None]), ("requirements-dev.lock", [None, "dev"])],
)
def test_every_dependency_is_pinned_within_its_range(lock: str, extras: list[str | None]) -> None:
    pinned = pins(lock)
    stale = []
    for extra in extras:
        for requirement in requirements(extra):
            version = pinned.get(canonicalize_name(requirement.name))
            if version is None or version not in requirement.specifier:
                stale.append(f"{requirement} (locked: {version})")
    assert not stale, f"{lock} is stale, run `bash scripts/lock`: {stale}"


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_every_pin_has_hashes(lock: str) -> None:
    blocks = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock).read_text().strip())
    assert blocks
    for block in blocks:
        assert "--hash=sha256:" in block, block.splitlines()[0]


def test_the_tests_run_on_the_services_pins() -> None:
    service, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {name: dev.get(name) for name in service} == service
