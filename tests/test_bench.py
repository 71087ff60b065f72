"""The benchmark's bookkeeping (scripts/bench.py): its FLOP count and README's generated table."""

import json
import sys
from pathlib import Path

import torch
from torch.utils.flop_counter import FlopCounterMode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import bench  # noqa: E402


def test_mlp_flop_count_matches_pytorchs_counter():
    net = bench.mlp()
    X, y = torch.rand(32, 1, 28, 28), torch.randint(10, (32,))
    with FlopCounterMode(display=False) as counter:
        torch.nn.functional.cross_entropy(net(X), y).backward()
    assert counter.get_total_flops() == bench.mlp_train_flops(32)


def test_readme_table_is_generated_from_the_results_file():
    results = json.loads(bench.RESULTS.read_text())
    readme = bench.README.read_text()
    section = readme.split(bench.START, 1)[1].split(bench.END, 1)[0]
    assert section == "\n" + bench.render(results), (
        "README's performance table differs from bench/results.json: "
        "run `python scripts/bench.py --readme` (make bench does)"
    )


def test_results_hold_every_section():
    results = json.loads(bench.RESULTS.read_text())
    cpu = results["CPU"]
    for section in bench.SECTIONS:
        assert section in cpu, f"bench/results.json lacks {section}: run make bench"


def test_the_table_says_when_each_section_was_measured():
    """Re-measuring one section (``--only notebooks``) must not re-date the others."""
    r = {"date": "2026-12-02", "matmul": {}, "notebooks": {}}
    assert bench._dates(r) == "2026-12-02"  # an old file: one date for all
    r["dates"] = {"matmul": "2026-11-24", "notebooks": "2026-12-02"}
    assert bench._dates(r) == "matmul 2026-11-24; notebooks 2026-12-02"
    r["dates"]["matmul"] = "2026-12-02"
    assert bench._dates(r) == "2026-12-02"
