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
    assert "--no-deps 'd2l==0.17.6'" in makefile
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {_name(r).replace("_", "-") for r in project["dependencies"]}
    # every third-party module that the installed d2l's torch.py imports, by distribution
    import ast
    import importlib.metadata
    import importlib.util
    import sys

    source = Path(importlib.util.find_spec("d2l.torch").origin).read_text()
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
    third_party = modules - set(sys.stdlib_module_names) - {"d2l"}
    assert {"torch", "torchvision", "pandas", "IPython", "matplotlib_inline"} <= third_party
    dists = importlib.metadata.packages_distributions()
    for module in sorted(third_party):
        names = {d.lower().replace("_", "-") for d in dists[module]}
        assert names & declared, f"d2l imports {module} ({names}): declare it in pyproject.toml"


def test_the_installed_d2l_is_the_chinese_editions():
    import importlib.metadata

    import d2lnotes

    assert importlib.metadata.version("d2l") == d2lnotes.d2l_adapter.BOOK_D2L_VERSION == "0.17.6"


def test_ci_runs_exactly_make_test():
    ci = (ROOT / ".ci" / "run").read_text()
    commands = [
        line for line in ci.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    assert commands[-1].strip() == "make test"
