#!/usr/bin/env python3
"""gen_tonsillectomy_cases.py N: N tonsillectomy referrals as batch NDJSON on
stdout (episode counts 0-12, booleans, some facts unknown; seed 19), for the
end-to-end benchmarks (bench_batch.sh, bench_case_audit.sh)."""
import random
import sys

rng = random.Random(19)
out = sys.stdout
for i in range(int(sys.argv[1])):
    f = {}
    for name in ("tonsillitis_episodes_last_12_months", "tonsillitis_episodes_each_of_last_2_years",
                 "tonsillitis_episodes_each_of_last_3_years", "quinsy_episodes"):
        if rng.random() < 0.9: f[name] = rng.randrange(13)
    for name in ("episodes_disabling", "suspected_malignancy", "obstructive_sleep_apnoea"):
        if rng.random() < 0.9: f[name] = rng.random() < (0.7 if name == "episodes_disabling" else 0.05)
    facts = ",".join(f'"{k}":{str(v).lower() if isinstance(v, bool) else v}' for k, v in f.items())
    out.write(f'{{"id":"t{i}","policy":"ebi.tonsillectomy","as_of":"2026-06-01","facts":{{{facts}}}}}\n')
