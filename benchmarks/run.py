"""Run every benchmark in turn (`make bench`); each rewrites its section of RESULTS.md.

The parameters fit the whole run in about 20 minutes on a quiet 2-core machine. The same
machine has been seen 2.5 times slower on another day (cloning 2.1 s per instansi instead of
0.9), so each benchmark's time limit leaves room for that, and the run has a budget of 50
minutes. A benchmark that fails or overruns is reported and the others still run; the exit
status is non-zero when any failed.

Usage: python benchmarks/run.py [--quick] [name ...]
       (names: provisioning read_path inbox console growth; --quick: small parameters, to check
       that every benchmark runs — its figures are not worth keeping)
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (script, arguments, time limit in seconds). Order matters: provisioning keeps the 200 bulk
# instansi (bc…) that growth.py measures at 10 and 200.
BENCHMARKS = [
    (
        "provisioning",
        ["--counts", "1,50", "--migrate-counts", "50,200", "--migration-sample", "5", "--keep"],
        1500,
    ),
    ("read_path", ["--seconds", "5", "--connections", "1,16,64"], 480),
    (
        "inbox",
        ["--seconds", "10", "--clients", "64", "--instansi", "10", "--sweep", "100000"],
        420,
    ),
    ("console", ["--counts", "50,200,500", "--requests", "20", "--refresh", "10"], 360),
    (
        "growth",
        ["--counts", "10,200", "--seconds", "5", "--connections", "16", "--clients", "32"],
        1200,
    ),
    ("search", ["--instansi", "50", "--pages", "2000", "--write"], 900),
    ("provisioning_pool", ["--rounds", "8"], 600),
    ("memory", ["--requests", "400"], 600),
    ("wordpress_import", ["--posts", "2000", "--images", "500", "--write-results"], 900),
]
BUDGET = 80 * 60  # the whole run; a benchmark gets at most what is left of it


# `--quick`: the same benchmarks with small parameters (a few minutes) to check they run.
QUICK = {
    "provisioning": ["--counts", "1,3", "--migrate-counts", "5,10", "--migration-sample", "1"],
    "read_path": ["--seconds", "2", "--connections", "1,16"],
    "inbox": ["--seconds", "2", "--clients", "8", "--instansi", "3", "--sweep", "10000"],
    "console": ["--counts", "5,20", "--requests", "5", "--refresh", "3"],
    "search": ["--instansi", "3", "--pages", "200", "--repeat", "3"],
    "provisioning_pool": ["--rounds", "2"],
    "memory": ["--requests", "50", "--only", "1,2"],
    "wordpress_import": ["--posts", "100", "--images", "20", "--baseline", "10"],
    "growth": [
        "--counts",
        "2,4",
        "--seconds",
        "2",
        "--clients",
        "4",
        "--extra",
        "1",
        "--requests",
        "3",
    ],
}


def main() -> int:
    argv = sys.argv[1:]
    quick = "--quick" in argv
    chosen = [a for a in argv if a != "--quick"] or [name for name, _, _ in BENCHMARKS]
    known = {name: (QUICK[name] if quick else args, limit) for name, args, limit in BENCHMARKS}
    unknown = [name for name in chosen if name.removesuffix(".py") not in known]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(known)}")
        return 2
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    failed = []
    started = time.monotonic()
    for name in (n.removesuffix(".py") for n in chosen):
        args, limit = known[name]
        left = BUDGET - (time.monotonic() - started)
        if left < 60:
            print(f"== {name}: SKIPPED, the {BUDGET // 60} min budget is spent", flush=True)
            failed.append(name)
            continue
        limit = int(min(limit, left))
        command = [sys.executable, str(HERE / f"{name}.py"), *args]
        print(f"== {name} (limit {limit // 60} min): {' '.join(command[1:])}", flush=True)
        t0 = time.monotonic()
        # Its own process group: on overrun, gunicorn and nginx it started stop with it.
        proc = subprocess.Popen(command, env=env, start_new_session=True)
        try:
            code = proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            code = "timeout"
        except KeyboardInterrupt:  # Ctrl-C reaches run.py only: stop the benchmark's group too
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()
            raise
        elapsed = time.monotonic() - t0
        status = "ok" if code == 0 else f"FAILED ({code})"
        print(f"== {name}: {status} in {elapsed / 60:.1f} min", flush=True)
        if code != 0:
            failed.append(name)
    total = (time.monotonic() - started) / 60
    print(f"== all benchmarks done in {total:.1f} min; failed: {', '.join(failed) or 'none'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
