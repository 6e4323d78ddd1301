#!/usr/bin/env python3
"""An independent calculation of the care audit's figures, for the generator test.

Reads care records (NDJSON, as cpe-gen-care writes them) and prints, one line a
figure, what `cpe audit --care` must report in its CSV files. Nothing here
comes from cpe: the Checklist, DST and Section 117 rules are the criteria
reference's, written again in Python; dates are Python's; quantiles are
type 7 (linear interpolation), as numpy's default.

    care_reference.py RECORDS.ndjson  ->  lines "file,locality,column=value"
"""
import json
import sys
from datetime import date

LOCALITIES = ["hwe", "mse", "snee"]
DST_ORDER = ["no", "low", "moderate", "high", "severe", "priority"]
QUALIFYING = {"3", "37", "45A", "47", "48"}


def day(s):
    return date.fromisoformat(s).toordinal()


def checklist_positive(f):
    levels = {k[len("checklist_"):]: v for k, v in f.items() if k.startswith("checklist_")}
    a = sum(v == "a" for v in levels.values())
    b = sum(v == "b" for v in levels.values())
    priority = any(levels.get(d) == "a" for d in ("breathing", "behaviour", "drug_therapies", "altered_states_of_consciousness"))
    return a >= 2 or b >= 5 or (a >= 1 and b >= 4) or priority


def dst_band(f):
    n = {level: 0 for level in DST_ORDER}
    for k, v in f.items():
        if k.startswith("dst_"):
            n[v] += 1
    if n["priority"] >= 1 or n["severe"] >= 2:
        return "eligible"
    if (n["severe"] >= 1 and n["high"] + n["moderate"] >= 1) or n["high"] >= 2 or (n["high"] >= 1 and n["moderate"] >= 3):
        return "review"
    return "not_eligible"


def quantile(values, p):
    v = sorted(values)
    if not v:
        return None
    h = (len(v) - 1) * p
    lo = int(h)
    return v[lo] + (h - lo) * (v[min(lo + 1, len(v) - 1)] - v[lo])


def fmt(x):
    if x is None:
        return ""
    if isinstance(x, int) or float(x).is_integer():
        return str(int(x))
    return ("%.6f" % x).rstrip("0").rstrip(".")


def main(path):
    groups = {name: dict(days=[], within=0, open=0, pos=0, assessed=0, decided=0, eligible=0,
                         compared=0, agree=0, review_e=0, review_ne=0, s117=0, by=0, after=[], none=0, not_eligible=0)
              for name in LOCALITIES + ["overall"]}
    for line in open(path):
        r = json.loads(line)
        for g in (groups[r["locality"]], groups["overall"]):
            f = r.get("facts", {})
            if r["record"] == "s117":
                base = {s.split("/")[0] for s in f["mha_sections"]}
                if not base & QUALIFYING:
                    g["not_eligible"] += 1
                    continue
                g["s117"] += 1
                dis = day(r["discharge_date"])
                plan = r.get("plan_agreed")
                if plan and day(plan) <= dis:
                    g["by"] += 1
                elif plan:
                    g["after"].append(day(plan) - dis)
                else:
                    g["none"] += 1
                continue
            if r.get("fast_track"):
                continue
            if "decision_date" in r:
                d = day(r["decision_date"]) - day(r["referral_received"])
                g["days"].append(d)
                g["within"] += d <= 28
            else:
                g["open"] += 1
            if any(k.startswith("checklist_") for k in f) and checklist_positive(f):
                g["pos"] += 1
                g["assessed"] += "dst_date" in r
            if "dst_date" in r and "recorded_decision" in r:
                g["decided"] += 1
                g["eligible"] += r["recorded_decision"] == "eligible"
                band = dst_band(f)
                recorded = r["recorded_decision"]
                if band == "review":
                    g["review_e" if recorded == "eligible" else "review_ne"] += 1
                else:
                    g["compared"] += 1
                    g["agree"] += band == recorded
    for name in LOCALITIES + ["overall"]:
        g = groups[name]
        n = len(g["days"])
        rows = [
            ("care_28day.csv", "decisions", n), ("care_28day.csv", "within_28_days", g["within"]),
            ("care_28day.csv", "share_within_28_days", g["within"] / n if n else None),
            ("care_28day.csv", "median_days", quantile(g["days"], 0.5)), ("care_28day.csv", "p90_days", quantile(g["days"], 0.9)),
            ("care_28day.csv", "over_28_days", n - g["within"]), ("care_28day.csv", "open", g["open"]),
            ("care_conversion.csv", "positive_checklists", g["pos"]), ("care_conversion.csv", "full_assessments", g["assessed"]),
            ("care_conversion.csv", "assessments_decided", g["decided"]), ("care_conversion.csv", "eligible", g["eligible"]),
            ("care_conversion.csv", "conversion", g["eligible"] / g["decided"] if g["decided"] else None),
            ("care_consistency.csv", "compared", g["compared"]), ("care_consistency.csv", "agree", g["agree"]),
            ("care_consistency.csv", "agreement_rate", g["agree"] / g["compared"] if g["compared"] else None),
            ("care_consistency.csv", "review_recorded_eligible", g["review_e"]),
            ("care_consistency.csv", "review_recorded_not_eligible", g["review_ne"]),
            ("s117_aftercare.csv", "eligible_discharges", g["s117"]), ("s117_aftercare.csv", "plan_by_discharge", g["by"]),
            ("s117_aftercare.csv", "plan_after_discharge", len(g["after"])),
            ("s117_aftercare.csv", "median_days_to_plan", quantile(g["after"], 0.5)),
            ("s117_aftercare.csv", "no_plan", g["none"]), ("s117_aftercare.csv", "not_eligible", g["not_eligible"]),
        ]
        for file, column, value in rows:
            print("%s,%s,%s=%s" % (file, name, column, fmt(value)))


if __name__ == "__main__":
    main(sys.argv[1])
