"""Print mutmut's score per module group from ``mutants/**/*.py.meta`` (after ``mutmut run``).

Score = (killed + timeout) / (mutants checked), where "no tests" (no test reaches the mutated function)
counts as survived.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KILLED = {1, 3, 36, 24, -24, 152, 255, 37}  # killed, pytest internal error, timeouts, type check
SURVIVED = {0, 5, 33}  # survived, no tests


def group_of(path: str) -> str:
    parts = Path(path).parts
    if parts[1] == "review":
        return "review"
    if "runtime" in parts:
        return f"{parts[1]}/runtime"
    return "/".join(parts[1:3]) if parts[1] in ("checks", "_core") else parts[1] + "/" + Path(path).stem


def main() -> int:
    metas = sorted((ROOT / "mutants").rglob("*.py.meta"))
    if not metas:
        print('No mutation results: run "mutmut run --max-children 1" first.')
        return 1
    counts: dict[str, Counter[str]] = {}
    for meta in metas:
        source = str(meta.relative_to(ROOT / "mutants"))[: -len(".meta")]
        codes = json.loads(meta.read_text()).get("exit_code_by_key", {})
        group = counts.setdefault(group_of(source), Counter())
        for code in codes.values():
            group["killed" if code in KILLED else "survived" if code in SURVIVED else "not checked"] += 1
    total = Counter()
    print(f"{'module':30} {'killed':>7} {'survived':>8} {'unchecked':>9} {'score':>6}")
    for group, count in sorted(counts.items()):
        checked = count["killed"] + count["survived"]
        score = f"{100 * count['killed'] / checked:.1f}%" if checked else "-"
        print(f"{group:30} {count['killed']:7} {count['survived']:8} {count['not checked']:9} {score:>6}")
        total += count
    checked = total["killed"] + total["survived"]
    if checked:
        print(
            f"{'pure modules':30} {total['killed']:7} {total['survived']:8} {total['not checked']:9} "
            f"{100 * total['killed'] / checked:.1f}%"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
