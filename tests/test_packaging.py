"""The set-up files agree with each other."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"torch": "pytorch"}  # pip name -> conda-forge name


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ ;\[]", requirement.strip(), maxsplit=1)[0].lower()


def _spec(requirement: str) -> str:
    return requirement.strip()[len(_name(requirement)) :].replace(" ", "")


def test_environment_yml_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_reqs = project["dependencies"] + project["optional-dependencies"]["dev"]
    pip = {CONDA_NAMES.get(_name(r), _name(r)): _spec(r) for r in pip_reqs}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and _name(dep) not in ("python", "pip"):
            conda[_name(dep)] = _spec(dep)
    only_conda, only_pip = set(conda) - set(pip), set(pip) - set(conda)
    assert not only_conda and not only_pip, f"environment.yml: {only_conda}; pyproject: {only_pip}"
    for name, spec in pip.items():
        assert conda[name] == spec, (
            f"{name}: pyproject says {spec!r}, environment.yml {conda[name]!r}"
        )
    assert "python=3.11" in env["dependencies"]


def test_makefile_installs_d2l_without_its_pins():
    makefile = (ROOT / "Makefile").read_text()
    assert "--no-deps 'd2l==1.0.3'" in makefile
    for module in ("pandas", "scipy", "requests", "matplotlib-inline", "pillow", "torchvision"):
        assert module in (ROOT / "pyproject.toml").read_text(), f"d2l imports {module}: declare it"


def test_ci_runs_exactly_make_test():
    ci = (ROOT / ".ci" / "run").read_text()
    commands = [
        line for line in ci.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    assert commands[-1].strip() == "make test"
