"""Measure Jupyter kernels through jupyter_client, as a Jupyter front end talks to them.

  bench_kernel.py measure KERNEL CODE   measure the kernelspec KERNEL, print one JSON object
  bench_kernel.py table FILE...         print the table and the targets of measure's outputs

measure reports:

  startup_ms   start-up: from asking jupyter_client to start the kernel to the first
               kernel_info_reply (median and p99 over --starts runs; each run a new kernel)
  launch_ms    the part of start-up spent in KernelManager.start_kernel (connection file,
               ports, process launch) before the kernel can be asked anything
  execute_ms   round trip of one execute_request of CODE to its execute_reply (median and p99
               over --runs requests on one kernel, after --warmup requests)

Run it with Debian's python3, which has jupyter_client, and JUPYTER_PATH set so that the
kernelspec is found.
"""

import argparse
import json
import statistics
import sys
import time
from queue import Empty

from jupyter_client.manager import KernelManager

TIMEOUT = 60.0
RETRY = 0.005
QUIET = 0.3


def percentile(values, p):
    """The nearest-rank p-th percentile of values."""
    ordered = sorted(values)
    rank = max(1, int(round(p / 100.0 * len(ordered) + 0.5)))
    return ordered[min(rank, len(ordered)) - 1]


def summary(values):
    return {
        "n": len(values),
        "median": statistics.median(values),
        "p99": percentile(values, 99),
        "min": min(values),
        "max": max(values),
    }


def reply_to(client, msg_id):
    """Wait for the shell reply whose parent is msg_id, dropping any other."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no reply to %s within %.0f s" % (msg_id, TIMEOUT))
        msg = client.get_shell_msg(timeout=left)
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def drain_until_idle(client, msg_id):
    """Read IOPub until the kernel reports idle for msg_id."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no idle status for %s within %.0f s" % (msg_id, TIMEOUT))
        msg = client.get_iopub_msg(timeout=left)
        if (msg["parent_header"].get("msg_id") == msg_id
                and msg["msg_type"] == "status"
                and msg["content"].get("execution_state") == "idle"):
            return


def start(kernel_name):
    """Start a kernel and wait for its first kernel_info_reply; return it and the seconds."""
    t0 = time.perf_counter()
    km = KernelManager(kernel_name=kernel_name)
    km.start_kernel()
    launched = time.perf_counter() - t0
    client = km.client()
    client.start_channels()
    # Requests sent before the kernel has bound its sockets may be lost, so ask again every
    # RETRY seconds; the answer comes as soon as the kernel can give it, so the figure is late
    # by the time to send one request at most, not by RETRY.
    sent = set()
    deadline = time.monotonic() + TIMEOUT
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError("no kernel_info_reply within %.0f s" % TIMEOUT)
        sent.add(client.kernel_info())
        try:
            reply = client.get_shell_msg(timeout=RETRY)
        except Empty:
            continue
        if reply["parent_header"].get("msg_id") in sent:
            break
    elapsed = time.perf_counter() - t0
    if reply["content"].get("status") != "ok":
        raise RuntimeError("kernel_info_reply: %s" % reply["content"])
    # Let the kernel answer the other requests, and read the answers, before measuring more.
    quiet(client)
    return km, client, elapsed, launched


def quiet(client):
    """Read the shell and IOPub channels until each has been silent for QUIET seconds."""
    for get in (client.get_shell_msg, client.get_iopub_msg):
        while True:
            try:
                get(timeout=QUIET)
            except Empty:
                break


def stop(km, client):
    client.stop_channels()
    km.shutdown_kernel(now=False)


def measure(args):
    startups, launches = [], []
    for _ in range(args.starts):
        km, client, elapsed, launched = start(args.kernel)
        startups.append(elapsed * 1000)
        launches.append(launched * 1000)
        stop(km, client)

    km, client, _, _ = start(args.kernel)
    try:
        rounds = []
        for i in range(args.warmup + args.runs):
            t0 = time.perf_counter()
            msg_id = client.execute(args.code)
            reply = reply_to(client, msg_id)
            elapsed = time.perf_counter() - t0
            if reply["content"].get("status") != "ok":
                raise RuntimeError("execute_reply to %r: %s" % (args.code, reply["content"]))
            drain_until_idle(client, msg_id)
            if i >= args.warmup:
                rounds.append(elapsed * 1000)
    finally:
        stop(km, client)

    json.dump({"kernel": args.kernel, "client": "jupyter_client", "code": args.code,
               "startup_ms": summary(startups), "launch_ms": summary(launches),
               "execute_ms": summary(rounds)}, sys.stdout)
    sys.stdout.write("\n")


def verdict(ok):
    return "met" if ok else "MISSED"


def table(args):
    rows = []
    for path in args.files:
        with open(path) as f:
            rows.append(json.load(f))
    head = ("client", "kernel", "cell", "start-up median", "p99", "of which launch",
            "execute median", "p99")
    lines = [head]
    for r in rows:
        launch = "%.1f ms" % r["launch_ms"]["median"] if "launch_ms" in r else "-"
        lines.append((r["client"], r["kernel"], r["code"],
                      "%.1f ms" % r["startup_ms"]["median"], "%.1f ms" % r["startup_ms"]["p99"],
                      launch,
                      "%.3f ms" % r["execute_ms"]["median"], "%.3f ms" % r["execute_ms"]["p99"]))
    widths = [max(len(l[i]) for l in lines) for i in range(len(head))]
    for l in lines:
        print("  ".join(c.ljust(w) for c, w in zip(l, widths)).rstrip())

    by = {(r["client"], r["kernel"]): r for r in rows}
    go = by.get(("jupyter_client", args.go))
    py = by.get(("jupyter_client", args.python))
    goclient = by.get(("kernel/client", args.go))
    print()
    print("targets (%d start-ups and %d round trips per row):" % (
        rows[0]["startup_ms"]["n"], rows[0]["execute_ms"]["n"]))
    if go:
        s = go["startup_ms"]["median"]
        print("  start-up <= 100 ms (jupyter_client): %.1f ms, %s" % (s, verdict(s <= 100)))
    if go and py:
        s, p = go["startup_ms"]["median"], py["startup_ms"]["median"]
        print("  start-up <= 1/10 of ipykernel's: %.1f ms vs %.1f ms (1/%.1f), %s" % (
            s, p, p / s, verdict(s * 10 <= p)))
        e, q = go["execute_ms"]["median"], py["execute_ms"]["median"]
        print("  execute median <= 1/4 of ipykernel's (jupyter_client): %.3f ms vs %.3f ms "
              "(1/%.1f), %s" % (e, q, q / e, verdict(e * 4 <= q)))
    pyclient = by.get(("kernel/client", args.python))
    if goclient:
        s = goclient["startup_ms"]["median"]
        print("  start-up <= 100 ms (Go client): %.1f ms, %s" % (s, verdict(s <= 100)))
    if goclient and pyclient:
        s, p = goclient["startup_ms"]["median"], pyclient["startup_ms"]["median"]
        print("  start-up <= 1/10 of ipykernel's (Go client): %.1f ms vs %.1f ms (1/%.1f), %s" % (
            s, p, p / s, verdict(s * 10 <= p)))
    if goclient:
        e = goclient["execute_ms"]["median"]
        print("  execute median <= 1 ms (Go client): %.3f ms, %s" % (e, verdict(e <= 1)))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    m = sub.add_parser("measure", help="measure one kernelspec")
    m.add_argument("kernel", help="kernelspec name")
    m.add_argument("code", help="the cell to execute, e.g. 'x := 1'")
    m.add_argument("--starts", type=int, default=10)
    m.add_argument("--runs", type=int, default=300)
    m.add_argument("--warmup", type=int, default=30)
    t = sub.add_parser("table", help="print measure's outputs as a table with the targets")
    t.add_argument("files", nargs="+")
    t.add_argument("--go", default="gotaegis", help="kernel name of the Go kernel's rows")
    t.add_argument("--python", default="ipykernel", help="kernel name of ipykernel's rows")
    args = ap.parse_args()
    if args.command == "measure":
        measure(args)
    else:
        table(args)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # one clear line for the bench script, not a traceback
        sys.stderr.write("bench_kernel.py: %s: %s\n" % (type(e).__name__, e))
        sys.exit(1)
