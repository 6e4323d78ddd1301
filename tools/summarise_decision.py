#!/usr/bin/env python3
"""Prints one decision (JSON on stdin) the way triage staff read it: outcome
and route, the criteria that decided it, and what is still missing."""
import json
import sys

d = json.load(sys.stdin)
print("  %s %s: %s  (route: %s)" % (d["policy"], d["policy_version"], d["outcome"].upper(), d["route"]))
marks = {True: "yes", False: "NO ", None: " ? "}
for r in d["reasons"]:
    print("    [%s] %s  (%s, %s)" % (marks[r["result"]], r["text"], r["criterion"], r["at"]))
if d["missing_facts"]:
    print("    still needed: " + ", ".join(d["missing_facts"]))
if d["outputs"]:
    print("    outputs: " + ", ".join("%s = %s" % (k, json.dumps(v)) for k, v in d["outputs"].items()))
