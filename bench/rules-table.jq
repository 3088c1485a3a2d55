# make bench-rules: the tables of $B/bench/rules.json (markdown).
def f0: if . == null then "-" else (. | round | tostring) end;
def f2: if . == null then "-" else (. * 100 | round / 100 | tostring) end;
def us: if . == null then "-" else (. / 1000 * 10 | round / 10 | tostring) end;
def rat: "\(.median | f2)x (\(.p25 | f2)–\(.p75 | f2))";
. as $r
| "# Event rules: cost and sustained events (\($r.date), \($r.boot.kernel), \($r.commit))",
  "",
  "Settings: \($r.settings); event_queue \($r.boot.event_queue), ns_events_max \($r.boot.ns_events_max), guest CPUs \($r.boot.cpus).",
  "",
  "| loop, in a container's workload (µs/op, median) | none | measure | rules | measure/none | rules/none | rules/measure |",
  "|---|---:|---:|---:|---:|---:|---:|",
  (["exec_hit", "open_hit"][] as $m | $r[$m] |
   "| \($m) | \(.ns.none.median | us) | \(.ns.measure.median | us) | \(.ns.rules.median | us) | \(.ratio.measure_none | rat) | \(.ratio.rules_none | rat) | \(.ratio.rules_measure | rat) |"),
  "",
  "Ratios: paired samples of the same chunk, median (p25–p75) over \($r.exec_hit.ratio.rules_none.n) chunks.",
  "",
  "| synchronous events (\($r.sync_events.n) reads of /etc/shadow, rule shadow_read) | |",
  "|---|---:|",
  "| µs per event (open + entry + TPM extend) | \($r.sync_events.ns | us) |",
  "| events/s | \($r.sync_events.per_s | f0) |",
  "| entries added | \($r.sync_events.entries) |",
  "",
  "| queued events (mprotect), offered/s | reached/s | offered | logged | dropped | entries added |",
  "|---:|---:|---:|---:|---:|---:|",
  ($r.queued_events[] | "| \(if .rate == 0 then "unpaced" else (.rate | tostring) end) | \(.reached | f0) | \(.n) | \(.logged) | \(.dropped) | \(.entries) |"),
  "",
  "Sustained without a drop: \($r.sustained | f0) queued events/s from one namespace."
