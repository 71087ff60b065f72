"""Run the nbval suite under several numerical paths on one machine (``make test-portable``).

The committed outputs were made on one CPU (README, "How the notebooks are tested").  Another CPU
vendor or instruction set sums float32 in another order, and long training amplifies the last bit.
No setting reproduces another vendor's bits, but these settings change the numerical path of
this torch build and so *simulate* another machine:

* ``default``  -- as ``make test`` runs: 1 thread, the best kernels for this CPU;
* ``compat``   -- ``MKL_CBWR=COMPATIBLE`` (MKL's SSE2-era code path),
                  ``ATEN_CPU_CAPABILITY=default``
                  (ATen's unvectorised kernels), ``ONEDNN_MAX_CPU_ISA=SSE41``;
* ``avx2``     -- everything capped at AVX2 (what many Intel and older AMD CPUs run);
* ``threads2`` -- 2 threads: reductions are split in two.

First a probe runs a handful of float32 operations under each path and hashes the results: a
path that computes the same bits as ``default`` on this CPU (say ``avx2`` on a CPU without
AVX-512) would only repeat the default run, so it is reported and skipped.  Then nbval runs the
notebooks, against the same committed outputs, once per remaining path.  Exit status 0 only when
every run passes.

A kernel that dies before it answers (``Kernel died before replying to kernel_info``: a start-up
race between the two parallel workers' kernels, seen once in a CI run) is not a test result: when
that is the only problem of a run, the notebooks whose kernel did not start are run once more, on
their own.  Any failing or erroring cell is reported as it is.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PATHS: dict[str, dict[str, str]] = {
    "default": {},
    "compat": {
        "MKL_CBWR": "COMPATIBLE",
        "ATEN_CPU_CAPABILITY": "default",
        "ONEDNN_MAX_CPU_ISA": "SSE41",
    },
    "avx2": {"MKL_CBWR": "AVX2", "ATEN_CPU_CAPABILITY": "avx2", "ONEDNN_MAX_CPU_ISA": "AVX2"},
    "threads2": {"THREADS": "2"},
}

# float32 operations the notebooks rely on: MKL GEMM/GEMV, ATen's vectorised reductions and
# transcendental functions, oneDNN convolution.  Printed as short hashes, one per operation.
PROBE = r"""
import hashlib, os, torch
torch.set_num_threads(int(os.environ["D2LNOTES_THREADS"]))
g = torch.Generator().manual_seed(0)
A, B = torch.randn(257, 263, generator=g), torch.randn(263, 129, generator=g)
x, v = torch.randn(100003, generator=g), torch.randn(300, 300, generator=g)
img = torch.randn(8, 3, 32, 32, generator=g)
w = torch.randn(16, 3, 3, 3, generator=g)
ops = {
    "matmul": A @ B, "gemv": v @ v[0], "sum": x.sum(), "var": v.var(0), "tanh": torch.tanh(x),
    "log_softmax": torch.log_softmax(A, 1), "conv2d": torch.nn.functional.conv2d(img, w),
}
cap = torch.backends.cpu.get_cpu_capability()
print(cap, *(k + "=" + hashlib.sha1(t.numpy().tobytes()).hexdigest()[:8] for k, t in ops.items()))
"""


def path_env(name: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MKL_CBWR", "ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA")
    }
    settings = dict(PATHS[name])
    threads = settings.pop("THREADS", "1")
    env.update(settings)
    env.update(
        OMP_NUM_THREADS=threads,
        MKL_NUM_THREADS=threads,
        D2LNOTES_THREADS=threads,
        MPLBACKEND="Agg",
        D2LNOTES_DEVICE="cpu",
    )
    return env


def probe(name: str) -> tuple[str, dict[str, str]]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=path_env(name),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return out[0], dict(item.split("=") for item in out[1:])


KERNEL_START_FAILURES = ("Kernel died before replying to kernel_info", "Failure starting kernel")


def kernel_start_failures(junit_xml: str | Path) -> tuple[list[str], bool]:
    """From a pytest JUnit report: the notebooks (``notebooks/x.ipynb``) whose kernel failed to
    start, and whether anything else went wrong (a failed or otherwise erroring cell)."""
    notebooks, other = [], False
    for case in ET.parse(junit_xml).iter("testcase"):
        for problem in [*case.findall("error"), *case.findall("failure")]:
            text = (problem.get("message") or "") + (problem.text or "")
            if problem.tag == "error" and any(k in text for k in KERNEL_START_FAILURES):
                classname = case.get("classname", "")
                notebook = classname.removesuffix(".ipynb").replace(".", "/") + ".ipynb"
                if notebook not in notebooks:
                    notebooks.append(notebook)
            else:
                other = True
    return notebooks, other


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", default=["notebooks"])
    parser.add_argument(
        "--paths", default=",".join(PATHS), help="comma-separated subset of: " + ", ".join(PATHS)
    )
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.paths.split(",") if n.strip()]
    unknown = [n for n in names if n not in PATHS]
    if unknown:
        parser.error(f"unknown path(s) {unknown}; choose from {list(PATHS)}")

    base_cap, base = probe("default")
    print(f"numerical paths on this CPU (ATen capability {base_cap}):")
    runs = []
    for name in names:
        cap, hashes = probe(name)
        changed = [k for k in hashes if hashes[k] != base[k]]
        if name == "default":
            runs.append(name)
            print(f"  default   ATen {cap}: the reference")
        elif name == "threads2":
            runs.append(name)  # the probe's single operations may not split; training does
            changes = ", ".join(changed) or "none here"
            print(f"  threads2  ATen {cap}: 2 threads (changes: {changes})")
        elif changed:
            runs.append(name)
            print(f"  {name:9} ATen {cap}: changes {', '.join(changed)}")
        else:
            print(f"  {name:9} ATen {cap}: same bits as default on this CPU -> skipped")

    results = {}
    for name in runs:
        threads = path_env(name)["D2LNOTES_THREADS"]
        # One worker per core for 1-thread paths (a notebook stays in one kernel: loadfile).
        workers = ["-n", "2", "--dist", "loadfile"] if threads == "1" else []
        cmd = [
            sys.executable,
            "-m",
            "pytest",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            "tests/nbval_sanitize.cfg",
            "-p",
            "no:randomly",
            "-q",
            *workers,
            *args.notebooks,
        ]
        print(
            f"\n=== nbval, path {name}: {' '.join(f'{k}={v}' for k, v in PATHS[name].items())}",
            flush=True,
        )
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            junit = Path(tmp) / "report.xml"
            code = subprocess.run(
                [*cmd, f"--junitxml={junit}"], cwd=ROOT, env=path_env(name)
            ).returncode
            if code != 0 and junit.exists():
                again, other = kernel_start_failures(junit)
                if again and not other and all((ROOT / nb).is_file() for nb in again):
                    print(f"kernel did not start for {', '.join(again)}: running them once more",
                          flush=True)  # fmt: skip
                    rerun = [c for c in cmd if c not in args.notebooks] + again
                    code = subprocess.run(rerun, cwd=ROOT, env=path_env(name)).returncode
        results[name] = (code, time.perf_counter() - start)

    print("\nportable notebook tests:")
    for name, (code, seconds) in results.items():
        print(f"  {name:9} {'passed' if code == 0 else 'FAILED'} in {seconds:.0f} s")
    return 0 if all(code == 0 for code, _ in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
