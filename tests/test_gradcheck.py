import pytest
import torch

import d2lnotes as dn
from d2lnotes import Step


def mlp_problem(seed=0, n=6, d=5, h=4, q=3, lam=0.1):
    g = torch.Generator().manual_seed(seed)
    leaves = {
        "X": torch.randn(n, d, generator=g, dtype=torch.float64),
        "y": torch.randint(0, q, (n,), generator=g),
        "W1": torch.randn(h, d, generator=g, dtype=torch.float64),
        "W2": torch.randn(q, h, generator=g, dtype=torch.float64),
    }
    steps = [
        Step("Z", lambda v: v["X"] @ v["W1"].T, kink=True),
        Step("H", lambda v: torch.relu(v["Z"])),
        Step("O", lambda v: v["H"] @ v["W2"].T),
        Step("L", lambda v: torch.nn.functional.cross_entropy(v["O"], v["y"])),
        Step("s", lambda v: lam / 2 * ((v["W1"] ** 2).sum() + (v["W2"] ** 2).sum())),
        Step("J", lambda v: v["L"] + v["s"]),
    ]
    vals = dn.run_steps(steps, leaves)
    n_ = leaves["X"].shape[0]
    dO = (torch.softmax(vals["O"], 1) - torch.nn.functional.one_hot(leaves["y"], q)) / n_
    dW2 = dO.T @ vals["H"] + lam * leaves["W2"]
    dH = dO @ leaves["W2"]
    dZ = dH * (vals["Z"] > 0)
    dW1 = dZ.T @ leaves["X"] + lam * leaves["W1"]
    manual = {
        "J": torch.tensor(1.0, dtype=torch.float64),
        "O": dO,
        "H": dH,
        "Z": dZ,
        "W1": dW1,
        "W2": dW2,
    }
    return steps, leaves, manual


def test_correct_gradients_pass_three_ways():
    steps, leaves, manual = mlp_problem()
    report = dn.check_gradients(steps, leaves, manual, entries=10)
    assert report.ok, str(report)
    assert [r["name"] for r in report.rows] == ["J", "O", "H", "Z", "W1", "W2"]  # backward order
    assert all(r["autograd"] < 1e-12 for r in report.rows)
    assert all(r["fd"] is None or r["fd"] < 1e-5 for r in report.rows)
    assert "all gradients agree" in str(report) and "0x" not in repr(report)


@pytest.mark.parametrize(
    "bug, first",
    [
        (lambda m, v: {**m, "Z": m["H"]}, "Z"),  # forgot relu'
        (lambda m, v: {**m, "W1": m["W1"] - 0.1 * v["W1"]}, "W1"),  # forgot the penalty on W1
        (lambda m, v: {**m, "W2": 2 * m["W2"]}, "W2"),  # doubled
        (lambda m, v: {**m, "O": m["O"] * 6}, "O"),  # forgot the 1/n of the mean
    ],
)
def test_wrong_gradients_are_caught_and_localised(bug, first):
    steps, leaves, manual = mlp_problem()
    report = dn.check_gradients(steps, leaves, bug(manual, leaves))
    assert not report.ok and report.first_bad == first
    assert f"first wrong gradient: d objective / d {first}" in str(report)
    row = next(r for r in report.rows if r["name"] == first)
    assert row["verdict"] == "WRONG"


def test_kinks_are_flagged_not_blamed():
    steps, leaves, _ = mlp_problem()
    leaves = dict(leaves)
    g = torch.Generator().manual_seed(5)
    leaves["X"] = 1e-9 * torch.randn(leaves["X"].shape, generator=g, dtype=torch.float64)
    vals = dn.run_steps(steps, leaves)  # pre-activations Z ~ 1e-9: every nudge of X crosses 0
    q = leaves["W2"].shape[0]
    dO = (torch.softmax(vals["O"], 1) - torch.nn.functional.one_hot(leaves["y"], q)) / 6
    dZ = (dO @ leaves["W2"]) * (vals["Z"] > 0)
    report = dn.check_gradients(steps, leaves, {"X": dZ @ leaves["W1"]}, entries=10)
    row = report.rows[0]
    assert row["kinks"] == 10 and row["fd"] is None and report.ok


def test_a_nudge_of_the_kinked_node_itself_is_a_kink():
    steps, leaves, manual = mlp_problem()
    leaves = dict(leaves)
    leaves["W1"] = leaves["W1"].clone()
    leaves["W1"][0] *= 1e-9  # column 0 of Z ~1e-9, inside eps: nudging Z there crosses the kink
    vals = dn.run_steps(steps, leaves)
    q = leaves["W2"].shape[0]
    dO = (torch.softmax(vals["O"], 1) - torch.nn.functional.one_hot(leaves["y"], q)) / 6
    dZ = (dO @ leaves["W2"]) * (vals["Z"] > 0)
    report = dn.check_gradients(steps, leaves, {"Z": dZ}, entries=24)  # every entry of Z (6 x 4)
    row = report.rows[0]
    assert row["kinks"] == 6 and report.ok, str(report)  # the 6 entries of column 0, not blamed


def test_seeded_sampling_is_reproducible():
    steps, leaves, manual = mlp_problem()
    a = dn.check_gradients(steps, leaves, manual, seed=3).rows
    b = dn.check_gradients(steps, leaves, manual, seed=3).rows
    assert a == b


def test_bad_input_is_reported():
    steps, leaves, manual = mlp_problem()
    with pytest.raises(ValueError, match="shape"):
        dn.check_gradients(steps, leaves, {**manual, "W1": manual["W1"].T})
    with pytest.raises(ValueError, match="scalar objective"):
        dn.check_gradients(steps[:2], leaves, {"Z": manual["Z"]})
    with pytest.raises(ValueError, match="neither a step nor a leaf"):
        dn.check_gradients(steps, leaves, {"W3": manual["W1"]})
    with pytest.raises(ValueError, match="unique"):
        dn.check_gradients(steps + [steps[0]], leaves, manual)
    with pytest.raises(TypeError, match="not a tensor"):
        dn.check_gradients([Step("J", lambda v: 1.0)], leaves, {})


def test_report_prints_noise_as_bounds_and_errors_as_values():
    """Errors within tolerance are rounding noise (their digits differ between CPUs): the table
    shows the bound they satisfy; a wrong gradient's error is shown as its value."""
    steps, leaves, manual = mlp_problem()
    text = str(dn.check_gradients(steps, leaves, manual, entries=10))
    rows = text.splitlines()[1:-1]
    assert rows and all("< 1e-12" in r and ("< 1e-05" in r or " - " in r) for r in rows), text
    assert "e-16" not in text and "e-1" not in text.replace("< 1e-1", "")
    bad = str(dn.check_gradients(steps, leaves, {**manual, "W2": 2 * manual["W2"]}, entries=10))
    w2 = next(line for line in bad.splitlines() if line.split()[0] == "W2")
    assert "< 1e" not in w2 and "WRONG" in w2  # the real error, e.g. 5.0e-01, is printed
    loose = dn.check_gradients(steps, leaves, manual, entries=10, tol=1e-3, fd_tol=1e-2)
    assert "< 1e-02" in str(loose)  # the bound shown is the tolerance that was applied
