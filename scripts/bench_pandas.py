#!/usr/bin/python3
"""Measure what pandas needs to flatten and show alert records, the baseline of gotaegis'
dataframe package.

Usage: /usr/bin/python3 scripts/bench_pandas.py RECORDS.json [--head 50] [--tracemalloc]

RECORDS.json is an array of records (scripts/bench-dataframe writes it with
dataframe/internal/alertgen). The script loads it with json.load, then times

    pd.json_normalize(records, max_level=3).dropna(how="all", axis=1).head(N).to_html()

and prints one JSON object: the load time, the flatten+render time, their total, the peak
resident memory of the process (resource.getrusage ru_maxrss) and, with --tracemalloc, the
peak of Python allocations during flatten+render (slow: tracing multiplies the time).
"""

import argparse
import json
import resource
import sys
import time
import tracemalloc

import pandas as pd


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("records")
    ap.add_argument("--head", type=int, default=50)
    ap.add_argument("--tracemalloc", action="store_true")
    args = ap.parse_args()

    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    with open(args.records, encoding="utf-8") as f:
        records = json.load(f)
    t1 = time.perf_counter()
    if args.tracemalloc:
        tracemalloc.start()
    df = pd.json_normalize(records, max_level=3).dropna(how="all", axis=1)
    html = df.head(args.head).to_html()
    t2 = time.perf_counter()
    traced = None
    if args.tracemalloc:
        traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    out = {
        "records": len(records),
        "rows": int(df.shape[0]),
        "columns": int(df.shape[1]),
        "html_bytes": len(html),
        "load_seconds": round(t1 - t0, 3),
        "flatten_render_seconds": round(t2 - t1, 3),
        "total_seconds": round(t2 - t0, 3),
        "cpu_seconds": round(time.process_time(), 3),
        "import_maxrss_mib": round(base_rss / 1024, 1),
        "maxrss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "pandas": pd.__version__,
    }
    if traced is not None:
        out["tracemalloc_peak_mib"] = round(traced / 2**20, 1)
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
