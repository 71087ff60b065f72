"""Speed, measured (``make bench``): the book's way vs ours, against the machine's own limit.

In one process, on one machine, with the same hyper-parameters:

* **matmul**: the machine's float32 matrix-multiply throughput (GFLOP/s) with 1 and all threads;
* **threads**: PyTorch throughput for the notebooks' matrix sizes with 1 vs all threads, on an idle
  machine and with one core kept busy by another process -- the evidence for the package's default;
* **fmnist**: one Fashion-MNIST epoch of the 784-256-256-10 dropout MLP at batch 256 -- the book's
  loop (torchvision dataset with ``ToTensor``, ``DataLoader`` with 4 workers, the book's
  ``train_epoch_ch3`` accumulating per batch in Python) vs ``d2lnotes`` (tensors in memory,
  ``dn.train``), with final test accuracies and our epoch's FLOP/s as a fraction of the matmul
  throughput;
* **sweeps**: the polynomial-degree and weight-decay sweeps, one model at a time vs all 20 batched;
* **notebooks**: each notebook executed top to bottom, seconds per notebook.

Results go to ``bench/results.json`` (one entry per device); README's performance table is
generated from it with ``python scripts/bench.py --readme`` (``make bench`` does both).

    python scripts/bench.py                  # everything, on the CPU (about 15 minutes)
    python scripts/bench.py --device cuda    # the same on a GPU (threads section skipped)
    python scripts/bench.py --only fmnist --epochs 10
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import torch
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
SECTIONS = ("matmul", "threads", "fmnist", "sweeps", "notebooks")
sys.path.insert(0, str(ROOT))

import d2lnotes as dn  # noqa: E402
from d2lnotes import runtime  # noqa: E402
from d2lnotes.runtime import get_device  # noqa: E402


def timed(fn, repeat: int = 1) -> float:
    """Median wall time of ``repeat`` calls, in seconds (CUDA work is waited for)."""
    times = []
    for _ in range(repeat):
        sync()
        t = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def sync() -> None:
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.synchronize()


# --------------------------------------------------------------------------- machine limit


def matmul_gflops(threads: int, device: torch.device, n: int = 2048) -> float:
    torch.set_num_threads(threads)
    a, b = (
        torch.randn(n, n, generator=torch.Generator().manual_seed(i)).to(device) for i in (0, 1)
    )
    a @ b
    reps = 3 if device.type == "cpu" else 50
    return 2 * n**3 * reps / timed(lambda: [a @ b for _ in range(reps)], repeat=3) / 1e9


def bench_matmul(device: torch.device) -> dict:
    cores = os.cpu_count() or 1
    one = matmul_gflops(1, device)
    # CPU threads do not matter for a GPU's matmul: measured once.
    every = matmul_gflops(cores, device) if device.type == "cpu" else one
    return {"gflops_1": one, "gflops_all": every, "cores": cores}


# --------------------------------------------------------------------------- threads


def mlp(p1: float = 0.2, p2: float = 0.5, seed: int = 0) -> nn.Sequential:
    """The book's dropout MLP with the book's N(0, 0.01^2) initialisation, made on the CPU."""
    torch.manual_seed(seed)
    net = nn.Sequential(
        nn.Flatten(),
        nn.Linear(784, 256),
        nn.ReLU(),
        nn.Dropout(p1),
        nn.Linear(256, 256),
        nn.ReLU(),
        nn.Dropout(p2),
        nn.Linear(256, 10),
    )
    for m in net:
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.01)
            nn.init.zeros_(m.bias)
    return net


def step_workloads(device: torch.device) -> dict:
    """One SGD step at each size the notebooks use, as a function to time."""
    g = torch.Generator().manual_seed(0)

    def train_step(net, X, y):
        def run():
            net.zero_grad(set_to_none=True)
            nn.functional.cross_entropy(net(X), y).backward()

        return run

    net = mlp().to(device)
    X256, y256 = torch.rand(256, 784, generator=g).to(device), torch.randint(10, (256,)).to(device)
    X64, y64 = X256[:64], y256[:64]
    batched = dn.BatchedMLP(16, (784, 256, 256, 10), [[0.5, 0.5]] * 16, seed=0).to(device)
    Xb = torch.rand(64, 16, 784, generator=g).to(device)
    yb = torch.randint(10, (64, 16), generator=g).to(device)

    def batched_step():
        batched.zero_grad(set_to_none=True)
        dn.per_model_cross_entropy(batched(Xb), yb).sum().backward()

    poly = nn.Linear(20, 1, bias=False).to(device)
    Xp, yp = torch.randn(10, 20, generator=g).to(device), torch.randn(10, 1, generator=g).to(device)

    def poly_step():
        poly.zero_grad(set_to_none=True)
        nn.functional.mse_loss(poly(Xp), yp).backward()

    return {
        "MLP step, batch 256 (ch. 1, 5, 7)": train_step(net, X256, y256),
        "MLP step, batch 64": train_step(net, X64, y64),
        "16 batched MLPs, batch 64 (ch. 5)": batched_step,
        "polynomial step, 10 x 20 (ch. 3)": poly_step,
    }


def per_step_ms(fn, seconds: float = 1.0) -> float:
    fn()
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        fn()
        n += 1
    return 1e3 * (time.perf_counter() - t0) / n


def bench_threads(device: torch.device) -> dict:
    cores = os.cpu_count() or 1
    work = step_workloads(device)
    out = {"cores": cores, "rows": []}
    busy = None
    try:
        for load in ("idle", "busy"):
            if load == "busy":  # another process keeps one core fully busy
                busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
                time.sleep(0.5)
            for name, fn in work.items():
                row = {"workload": name, "load": load}
                for threads in sorted({1, cores}):
                    torch.set_num_threads(threads)
                    row[f"ms_{threads}"] = min(per_step_ms(fn, 0.7) for _ in range(2))
                out["rows"].append(row)
    finally:
        if busy is not None:
            busy.kill()
            busy.wait()
        torch.set_num_threads(1)
    return out


# --------------------------------------------------------------------------- Fashion-MNIST epoch


def mlp_train_flops(n: int) -> float:
    """FLOPs of forward + backward over n examples (no gradient w.r.t. the input)."""
    layers = [(784, 256), (256, 256), (256, 10)]
    forward = sum(2 * a * b for a, b in layers)
    weight_grads = forward
    input_grads = sum(2 * a * b for a, b in layers[1:])
    return n * (forward + weight_grads + input_grads)


def on_device(batches, device: torch.device):
    """The book's loops do not move batches; this moves each ``(X, y)`` to ``device``."""
    return ((X.to(device), y.to(device)) for X, y in batches)


def bench_fmnist(device: torch.device, epochs: int) -> dict:
    import torchvision
    from d2l import torch as d2l
    from torch.utils.data import DataLoader
    from torchvision.transforms import ToTensor

    # DataLoader warns that 4 workers exceed a 2-core machine's cores: that is the book's setting.
    warnings.filterwarnings("ignore", message="This DataLoader will create")
    torch.set_num_threads(1)
    t0 = time.perf_counter()
    fm = dn.load_fashion_mnist()
    ours_load = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        dn.adapt_d2l(d2l, data_root=tmp)  # torchvision's layout from the verified files
        root = tmp
        # ---- the book's way: PyTorch's default threads, as a learner would run it
        torch.set_num_threads(os.cpu_count() or 1)
        book_threads = torch.get_num_threads()
        t0 = time.perf_counter()
        train = torchvision.datasets.FashionMNIST(root, train=True, transform=ToTensor())
        test = torchvision.datasets.FashionMNIST(root, train=False, transform=ToTensor())
        train_iter = DataLoader(train, 256, shuffle=True, num_workers=4)
        test_iter = DataLoader(test, 256, shuffle=False, num_workers=4)
        book_load = time.perf_counter() - t0
        net = mlp().to(device)
        loss = nn.CrossEntropyLoss(reduction="none")
        trainer = torch.optim.SGD(net.parameters(), lr=0.5)
        torch.manual_seed(0)
        sync()
        t0 = time.perf_counter()
        for _ in range(epochs):  # the book's own epoch (d2l 0.17.6); batches moved to the device
            d2l.train_epoch_ch3(net, on_device(train_iter, device), loss, trainer)
        sync()
        book_train = time.perf_counter() - t0
        book_acc = d2l.evaluate_accuracy(net, on_device(test_iter, device))

    # ---- our way: tensors on the device, the package's loop and thread default
    runtime.set_threads()
    our_threads = torch.get_num_threads()
    X, y = fm.train_images.to(device), fm.train_labels.to(device)
    Xt, yt = fm.test_images.to(device), fm.test_labels.to(device)

    def train_ours(model, seed):
        dn.train(model, nn.CrossEntropyLoss(), (X, y), num_epochs=epochs, batch_size=256,
                     lr=0.5, seed=seed, eval_every=epochs, progress=False)  # fmt: skip

    net = mlp().to(device)
    sync()
    t0 = time.perf_counter()
    train_ours(net, seed=0)
    sync()
    ours_total = time.perf_counter() - t0  # includes the loop's training-loss pass
    n = X.shape[0]
    ours_flops = epochs * mlp_train_flops(n)
    ours_train = ours_total - timed(lambda: dn.evaluate_loss(net, (X, y), nn.CrossEntropyLoss()))
    our_acc = dn.evaluate_accuracy(net, [(Xt, yt)])
    # How much the final accuracy moves with the minibatch order and dropout masks alone.
    spread = [our_acc]
    for seed in (1, 2):
        torch.manual_seed(seed)
        other = mlp().to(device)
        train_ours(other, seed=seed)
        spread.append(dn.evaluate_accuracy(other, [(Xt, yt)]))
    return {
        "epochs": epochs,
        "book_threads": book_threads,
        "our_threads": our_threads,
        "book_load_s": book_load,
        "ours_load_s": ours_load,
        "book_epoch_s": book_train / epochs,
        "ours_epoch_s": ours_train / epochs,
        "speedup": book_train / ours_train,
        "book_test_acc": book_acc,
        "ours_test_acc": our_acc,
        "ours_test_acc_seeds": spread,
        "ours_gflops": ours_flops / ours_train / 1e9,
        "flops_per_epoch": mlp_train_flops(n),
    }


# --------------------------------------------------------------------------- sweeps


def bench_sweeps(device: torch.device) -> dict:
    torch.set_num_threads(1)
    out = {}
    # Polynomial degrees 0..19 (chapter 3): 100 examples, batch 10, lr 0.01, 1500 epochs.
    data = dn.make_polynomial_data(seed=0)
    epochs = 1500

    poly_recipe = dict(
        num_epochs=epochs, batch_size=10, lr=0.01, seed=0, eval_every=epochs, progress=False
    )

    def poly_one(degree):
        torch.manual_seed(0)
        net = nn.Linear(degree + 1, 1, bias=False).to(device)
        train = (data.features(degree).to(device), data.y_train.to(device))
        dn.train(net, nn.MSELoss(), train, **poly_recipe)

    def poly_batched():
        X, y = dn.stack_datasets([(data.features(19), data.y_train)], repeat=20)
        nets = dn.BatchedLinear(20, 20, dn.degree_masks(list(range(20)), 20), seed=0).to(device)
        dn.train(nets, dn.per_model_mse, (X.to(device), y.to(device)), **poly_recipe)

    one = timed(lambda: poly_one(19), repeat=3)
    out["polynomial"] = {
        "models": 20,
        "one_s": one,
        "one_at_a_time_s": timed(lambda: [poly_one(d) for d in range(20)]),
        "batched_s": timed(poly_batched, repeat=3),
    }

    # Weight decay (chapter 4): 200 inputs, 20 examples, batch 5, lr 0.003, 100 epochs, 20 lambdas.
    true_w, true_b = torch.full((200,), 0.01), 0.05
    X, y = dn.synthetic_data(true_w, true_b, 20, noise=0.01, seed=0)
    lambdas = torch.logspace(-2, 2.5, 20)

    wd_recipe = dict(num_epochs=100, batch_size=5, lr=0.003, seed=0, eval_every=100, progress=False)

    def wd_one(lam):
        torch.manual_seed(0)
        net = nn.Linear(200, 1).to(device)
        data = (X.to(device), y.to(device))
        penalty = lambda m: dn.l2_penalty(m.weight, float(lam))  # noqa: E731
        dn.train(net, nn.MSELoss(), data, penalty=penalty, **wd_recipe)

    def wd_batched():
        Xs, ys = dn.stack_datasets([(X, y)], repeat=20)
        nets = dn.BatchedLinear(20, 200, bias=True, seed=0).to(device)
        lam = lambdas.to(device)
        penalty = lambda m: dn.l2_penalty(m.weight, lam, per_model=True)  # noqa: E731
        dn.train(
            nets, dn.per_model_mse, (Xs.to(device), ys.to(device)), penalty=penalty, **wd_recipe
        )

    one = timed(lambda: wd_one(lambdas[0]), repeat=5)
    out["weight_decay"] = {
        "models": 20,
        "one_s": one,
        "one_at_a_time_s": timed(lambda: [wd_one(lam) for lam in lambdas]),
        "batched_s": timed(wd_batched, repeat=5),
    }
    return out


# --------------------------------------------------------------------------- notebooks


def bench_notebooks(device: torch.device) -> dict:
    env = {**os.environ, "D2LNOTES_DEVICE": device.type, "MPLBACKEND": "Agg"}
    env.setdefault("D2LNOTES_THREADS", "1")
    code = (
        "import sys\n"
        "from d2lnotes import nbtools\n"
        "print(nbtools.run_notebook(sys.argv[1], timeout=1800)[1])\n"
    )
    out = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        r = subprocess.run(
            [sys.executable, "-c", code, str(path)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if r.returncode:
            raise RuntimeError(f"{path.name} failed:\n{r.stderr[-2000:]}")
        out[path.stem] = float(r.stdout.strip().splitlines()[-1])
        print(f"  {path.stem}: {out[path.stem]:.0f} s", flush=True)
    return out


# --------------------------------------------------------------------------- report


def describe_machine(device: torch.device) -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "device": str(device),
    }
    if device.type == "cuda":
        info["gpu"] = torch.cuda.get_device_name(device)
    return info


def fmt_s(x: float) -> str:
    if x < 1:
        return f"{1e3 * x:.0f} ms" if x >= 0.01 else f"{1e3 * x:.1f} ms"
    return f"{x:.2f} s" if x < 10 else f"{x:.0f} s"


def _dates(r: dict) -> str:
    """When each section was measured: one date, or the sections grouped by date."""
    dates = r.get("dates") or {}
    by_date: dict[str, list[str]] = {}
    for section in SECTIONS:
        if section in r:
            by_date.setdefault(dates.get(section, r["date"]), []).append(section)
    if len(by_date) <= 1:
        return next(iter(by_date), r["date"])
    return "; ".join(f"{', '.join(names)} {day}" for day, names in sorted(by_date.items()))


def render(results: dict) -> str:
    """README's performance section body, from the results file."""
    lines = []
    for key, r in results.items():
        m = r["machine"]
        where = m.get("gpu", f"{m['cpu']}, {m['cores']} cores")
        lines.append(
            f"**{key}** — {where}; Python {m['python']}, torch {m['torch']}; "
            f"measured {_dates(r)}.\n"
        )
        rows = [
            "| measurement | the book's way / one at a time | ours | ratio |",
            "|---|---|---|---|",
        ]
        if "fmnist" in r:
            f = r["fmnist"]
            rows.append(
                f"| Fashion-MNIST MLP epoch (batch 256, {f['epochs']} epochs, dropout) | "
                f"{fmt_s(f['book_epoch_s'])} ({f['book_threads']} threads, 4 workers) | "
                f"{fmt_s(f['ours_epoch_s'])} ({f['our_threads']} thread) | "
                f"**{f['speedup']:.1f}× faster** |"
            )
            seeds = f["ours_test_acc_seeds"]
            rows.append(
                f"| test accuracy after those epochs | {f['book_test_acc']:.3f} | "
                f"{f['ours_test_acc']:.3f} (3 seeds: {min(seeds):.3f}–{max(seeds):.3f})"
                " | |"
            )
            rows.append(
                f"| loading Fashion-MNIST | {fmt_s(f['book_load_s'])} | "
                f"{fmt_s(f['ours_load_s'])} | |"
            )
        if "sweeps" in r:
            for name, s in r["sweeps"].items():
                label = {
                    "polynomial": "polynomial degrees 0–19 (ch. 3, 1500 epochs)",
                    "weight_decay": "weight decay, 20 λ (ch. 4, 100 epochs)",
                }[name]
                rows.append(f"| {label}: one model | {fmt_s(s['one_s'])} | | |")
                rows.append(
                    f"| {label}: all {s['models']} | {fmt_s(s['one_at_a_time_s'])} one at a time | "
                    f"{fmt_s(s['batched_s'])} batched | **{s['batched_s'] / s['one_s']:.1f}× one "
                    f"model's time** |"
                )
        if "fmnist" in r and "matmul" in r:
            f, mm = r["fmnist"], r["matmul"]
            rows.append(
                f"| FLOP/s of our epoch vs this machine's matmul (2048², 1 thread) | "
                f"{mm['gflops_1']:.0f} GFLOP/s | {f['ours_gflops']:.0f} GFLOP/s | "
                f"**{f['ours_gflops'] / mm['gflops_1']:.0%}** |"
            )
            floor = f["flops_per_epoch"] / (mm["gflops_1"] * 1e9)
            rows.append(
                f"| an epoch at that matmul peak ({f['flops_per_epoch'] / 1e9:.0f} GFLOP): "
                f"the ceiling for 1 thread | | {fmt_s(floor)} | "
                f"{f['book_epoch_s'] / floor:.0f}× at most |"
            )
        lines += rows
        if "threads" in r:
            t = r["threads"]
            c = t["cores"]
            lines += [
                "",
                f"Threads (ms per step; 1 vs {c} threads; *busy*: another process "
                "keeps one core busy):",
                "",
                f"| workload | idle, 1 | idle, {c} | busy, 1 | busy, {c} |",
                "|---|---|---|---|---|",
            ]
            by = {(row["workload"], row["load"]): row for row in t["rows"]}
            for w in dict.fromkeys(row["workload"] for row in t["rows"]):
                i, b = by[(w, "idle")], by[(w, "busy")]
                lines.append(
                    f"| {w} | {i['ms_1']:.2f} | {i[f'ms_{c}']:.2f} | "
                    f"{b['ms_1']:.2f} | {b[f'ms_{c}']:.2f} |"
                )
        if "notebooks" in r:
            nbs = r["notebooks"]
            lines += [
                "",
                "| notebook | " + " | ".join(k.split("_", 1)[0] for k in nbs) + " | **suite** |",
                "|---" * (len(nbs) + 2) + "|",
                "| seconds | "
                + " | ".join(f"{v:.0f}" for v in nbs.values())
                + f" | **{sum(nbs.values()):.0f} s ({sum(nbs.values()) / 60:.1f} min)** |",
            ]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def update_readme(results: dict) -> None:
    text = README.read_text()
    if START not in text or END not in text:
        sys.exit(f"README.md has no {START} ... {END} section to fill")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{render(results)}{END}{tail}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--epochs", type=int, default=10, help="Fashion-MNIST epochs (book: 10)")
    parser.add_argument(
        "--readme",
        action="store_true",
        help="only regenerate README's table from bench/results.json",
    )
    args = parser.parse_args()
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    if args.readme:
        update_readme(results)
        return
    if args.epochs < 1:
        sys.exit("--epochs must be at least 1")
    device = get_device(args.device)
    key = "CPU" if device.type == "cpu" else device.type.upper()
    entry = results.get(key, {})
    entry["machine"] = describe_machine(device)
    # each section keeps the date it was measured on (older results files have one date for all)
    entry.setdefault("dates", {s: entry.get("date") for s in SECTIONS if s in entry})
    entry["date"] = time.strftime("%Y-%m-%d")
    for section in args.only:
        if section == "threads" and device.type != "cpu":
            continue
        print(f"{section} ...", flush=True)
        fn = {
            "matmul": lambda: bench_matmul(device),
            "threads": lambda: bench_threads(device),
            "fmnist": lambda: bench_fmnist(device, args.epochs),
            "sweeps": lambda: bench_sweeps(device),
            "notebooks": lambda: bench_notebooks(device),
        }[section]
        entry[section] = fn()
        entry["dates"][section] = entry["date"]
        print(json.dumps(entry[section], indent=1), flush=True)
    results[key] = entry
    RESULTS.parent.mkdir(exist_ok=True)
    tmp = RESULTS.with_suffix(".tmp")
    tmp.write_text(json.dumps(results, indent=1) + "\n")
    tmp.replace(RESULTS)
    update_readme(results)
    print(render(results))


if __name__ == "__main__":
    main()
