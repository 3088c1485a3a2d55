# make bench-kmod: the markdown tables of $B/bench/kmod.json (jq -r).
def d2: (. * 100 | round) as $x
	| "\($x / 100 | floor).\($x % 100 | tostring | if length < 2 then "0" + . else . end)";
def d0: tostring | if length > 3 then .[:-3] + "," + .[-3:] else . end;
def t: if . >= 1000000 then "\(. / 1000000 | d2) ms" else "\(. / 1000 | d2) µs" end;
def x: "×\(.median | d2) (\(.ci95[0] | d2)–\(.ci95[1] | d2))<br>IQR \(.p25 | d2)–\(.p75 | d2)";
def rowname: { exec_new: "exec, new file (first measurement)",
	exec_hit: "exec, measured file (measure-once hit)",
	mmap_new: "mmap(PROT_EXEC), new file (with open+close)",
	mmap_hit: "mmap(PROT_EXEC)+munmap, measured file",
	open_new: "open+close O_RDONLY, new file",
	open_hit: "open+close O_RDONLY, same file" }[.];
def br: "\(.boots) boot\(if .boots == 1 then "" else "s" end), \(.chunks) chunks";
def mrow($name; $k): "| \($name) | \([.memory.ima[][$k] | d0] | join(", ")) | \([.memory.nsima[][$k] | d0] | join(", ")) |";
. as $j
| ["exec_new", "exec_hit", "mmap_new", "mmap_hit", "open_new", "open_hit"] as $ms
| "Sources \($j.commit); kernel \($j.kernel); \($j.vm); PCR banks \($j.banks); \($j.date). \($j.boots.total) boots (\($j.boots.without_ima) without IMA, \($j.boots.with_ima) with ima_policy=tcb); \($j.settings); nsima.ko cache_max=\($j.nsima_params.cache_max) ns_cache_max=\($j.nsima_params.ns_cache_max).",
  "",
  "| guest time per operation | neither | IMA (tcb) | nsima | IMA+nsima | IMA+nsima vs IMA |",
  "|---|---:|---:|---:|---:|---:|",
  "| samples | \($j.samples.none | br) | \($j.samples.ima | br), referenced | \($j.samples.nsima | br), paired | \($j.samples["ima+nsima"] | br), referenced | paired |",
  ($ms[] as $k
   | "| \($k | rowname) | \($j.ns_per_op.none[$k] | "\(.median | t) (\(.ci95[0] | t)–\(.ci95[1] | t))<br>IQR \(.p25 | t)–\(.p75 | t)") | \($j.ratio_to_none.ima[$k] | x) | \($j.ratio_to_none.nsima[$k] | x) | \($j.ratio_to_none["ima+nsima"][$k] | x) | \($j.ratio_ima_nsima_to_ima[$k] | x) |"),
  "",
  "Neither: median time per operation (95 % confidence interval of the median) and interquartile range over chunks; the others: ratio to neither, the same statistics over the per-chunk ratios.",
  "",
  "| pooled across boots (no tmpfs reference) | neither | IMA (tcb) | IMA+nsima |",
  "|---|---:|---:|---:|",
  ($ms[] as $k
   | "| \($k | rowname) | \($j.ns_per_op.none[$k].median | t) | \($j.ns_per_op.ima[$k].median | t): ×\($j.ratio_to_none.ima[$k].pooled | "\(.median | d2) [\(.min | d2)–\(.max | d2)]") | \($j.ns_per_op["ima+nsima"][$k].median | t): ×\($j.ratio_to_none["ima+nsima"][$k].pooled | "\(.median | d2) [\(.min | d2)–\(.max | d2)]") |"),
  "",
  "Ratio of the medians; range: every IMA boot's median over every other boot's.",
  "",
  "| kernel memory per entry, bytes (after drop_caches), one value per boot | IMA (tcb) | nsima |",
  "|---|---:|---:|",
  ($j | mrow("entries added (new files executed)"; "entries")),
  ($j | mrow("Slab: (meminfo) delta / entries"; "slab_bytes")),
  ($j | mrow("same, minus the control (\($j.memory.control_none_per_file.slab_bytes) B per file with nothing measuring)"; "slab_bytes_minus_control")),
  ($j | mrow("/proc/slabinfo active bytes, all caches, delta / entries"; "slab_active_bytes")),
  ($j | mrow("same, minus the control (\($j.memory.control_none_per_file.slab_active_bytes) B per file)"; "slab_active_bytes_minus_control")),
  ($j | mrow("/proc/slabinfo active bytes, kmalloc-* and iint_cache, delta / entries"; "kmalloc_active_bytes")),
  ($j | mrow("same, minus the control (\($j.memory.control_none_per_file.kmalloc_active_bytes) B per file)"; "kmalloc_active_bytes_minus_control")),
  "| the module's own `memory_bytes` delta / entries | – | \([$j.memory.nsima[].module_bytes | d0] | join(", ")) |",
  "",
  ([$j.entries_added[] | .exec_hit, .mmap_hit, .open_hit | .ima[], .nsima[] | select(. != 0)] | length) as $bad
  | if $bad > 0 then "**Warning: some measure-once \"hit\" loops added entries (see below): those samples are not cache hits.**\n" else empty end,
  "Entries added per loop (IMA,nsima): \($j.entries_added | to_entries | map("\(.key): " + (.value | to_entries | map("\(.key) \(.value.ima | join("/")),\(.value.nsima | join("/"))") | join(" "))) | join("; "))"
