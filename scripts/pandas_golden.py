#!/usr/bin/python3
"""Write the golden files the dataframe package's tests compare against.

For every dataframe/testdata/NAME.json (an array of records) this writes
dataframe/testdata/NAME.golden.json with what pandas makes of the records:

    pandas.json_normalize(records, max_level=3).dropna(how="all", axis=1)

The golden file holds the row count, the column names in order, each column's dtype, and the
rows. A cell is null when missing (NaN or None), a JSON string, number or boolean when it is
one, and {"json": TEXT} for a list or dict left in a cell, TEXT being
json.dumps(value, separators=(",", ":"), ensure_ascii=False). Floats are written with repr, so
1.0 stays 1.0 and the tests can tell it from the integer 1.

Run it with Debian's python3 (which has pandas): /usr/bin/python3 scripts/pandas_golden.py
"""

import json
import math
import pathlib
import sys

import numpy as np
import pandas as pd

TESTDATA = pathlib.Path(__file__).resolve().parent.parent / "dataframe" / "testdata"


def cell(value):
    if isinstance(value, (list, dict)):
        return {"json": json.dumps(value, separators=(",", ":"), ensure_ascii=False)}
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return None
        if math.isinf(value):
            sys.exit("infinite floats cannot be written as JSON; keep them out of testdata")
        return float(value)
    if isinstance(value, str):
        return value
    sys.exit(f"unexpected cell type {type(value).__name__}: {value!r}")


def golden(records):
    df = pd.json_normalize(records, max_level=3).dropna(how="all", axis=1)
    columns = [str(c) for c in df.columns]
    lists = [df.iloc[:, j].tolist() for j in range(len(columns))]
    rows = [[cell(lists[j][i]) for j in range(len(columns))] for i in range(len(df))]
    out = ['{']
    out.append(f'  "pandas": {json.dumps(pd.__version__)},')
    out.append(f'  "rows": {len(df)},')
    out.append(f'  "columns": {json.dumps(columns, ensure_ascii=False)},')
    out.append(f'  "dtypes": {json.dumps([str(t) for t in df.dtypes])},')
    if rows:
        out.append('  "data": [')
        body = [json.dumps(r, ensure_ascii=False) for r in rows]
        out.append(",\n".join("    " + b for b in body))
        out.append('  ]')
    else:
        out.append('  "data": []')
    out.append('}')
    return "\n".join(out) + "\n"


def main():
    inputs = sorted(p for p in TESTDATA.glob("*.json") if not p.name.endswith(".golden.json"))
    if not inputs:
        sys.exit(f"no record files in {TESTDATA}")
    for path in inputs:
        with path.open(encoding="utf-8") as f:
            records = json.load(f)
        out = path.with_name(path.name[: -len(".json")] + ".golden.json")
        out.write_text(golden(records), encoding="utf-8")
        print(f"wrote {out.relative_to(TESTDATA.parent.parent)}")


if __name__ == "__main__":
    main()
