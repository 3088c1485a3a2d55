# make bench-rules: aggregate vm/bench-rules' records into
# $B/bench/rules.json. Input: the records slurped into one array; $date,
# $settings and $commit from the command line.
#
# A loop sample is one loop of one chunk (guest wall time per operation).
# Per configuration and loop: median, p25, p75, min, max, n. Ratios
# "measure" / "none" and "rules" / "none", and "rules" / "measure" (the
# rules' own cost): paired, the two configurations of the same chunk
# (seconds apart); median, p25 and p75 of those ratios.
# Events: synchronous events/s = 1e9 / ns per open of /etc/shadow; per
# offered rate of queued events: the rate reached, logged (events_queued:
# accepted into the queue, each measured) and dropped (events_dropped);
# "sustained" = the highest rate reached with nothing dropped.

def q($p): sort | if length == 0 then null else .[((length - 1) * $p) | round] end;
def median: sort | if length == 0 then null
	elif length % 2 == 1 then .[length / 2 | floor]
	else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def r3: if . == null then null else . * 1000 | round / 1000 end;
def stats: { median: median, p25: q(0.25), p75: q(0.75), min: min, max: max, n: length };
def rstats: { median: (median | r3), p25: (q(0.25) | r3), p75: (q(0.75) | r3), n: length };

. as $all
| [$all[] | select(.chunk != null)] as $c
| def vals($cfg; $m): [$c[] | select(.cfg == $cfg) | .[$m]];
  def paired($cfg; $base; $m): [$c[] | select(.cfg == $cfg) | . as $x
	| ($c[] | select(.cfg == $base and .chunk == $x.chunk)) | $x[$m] / .[$m]];
  def loop($m): {
	ns: { none: (vals("none"; $m) | stats), measure: (vals("measure"; $m) | stats),
	      rules: (vals("rules"; $m) | stats) },
	ratio: { measure_none: (paired("measure"; "none"; $m) | rstats),
		 rules_none: (paired("rules"; "none"; $m) | rstats),
		 rules_measure: (paired("rules"; "measure"; $m) | rstats) } };
  ([$all[] | select(.rate != null)] | map(. + {
	reached: (if .ns > 0 then (1e9 / .ns | round) else null end),
	logged: .queued })) as $mp
| {
	date: $date, settings: $settings, commit: $commit,
	boot: ([$all[] | select(.kernel != null)] | first),
	exec_hit: loop("exec_hit"),
	open_hit: loop("open_hit"),
	sync_events: ([$all[] | select(.sync != null)] | first
		| . + { per_s: (if .ns > 0 then (1e9 / .ns | round) else null end) }),
	queued_events: $mp,
	sustained: ([$mp[] | select(.dropped == 0) | .reached] | max)
  }
