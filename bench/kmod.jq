# make bench-kmod: aggregate the per-boot records (vm/bench-kmod) into
# $B/bench/kmod.json. Input: the records slurped into one array; $kver,
# $date, $settings and $commit from the command line.
#
# A sample is one loop of one chunk (guest wall time per operation). Per
# configuration: median, interquartile range (p25–p75), 95 % confidence
# interval of the median, min, max and count over every chunk of every
# boot that ran it, on ext. Ratios to "none":
#  - nsima: paired, nsima / none of the same boot and chunk (seconds
#    apart); median and IQR of those ratios. ima+nsima vs ima: the same.
#  - ima, ima+nsima: IMA runs in other boots (it cannot be switched off in
#    a boot), and the speed of the host drifts between boots. Referenced:
#    each ext sample is divided by the same loop on tmpfs just before or
#    after it (nsima detached; IMA measures nothing on tmpfs), and that by
#    the median of the same quotient in the boots without IMA; median and
#    IQR over the IMA boots' chunks (the CI ignores the baseline's own
#    uncertainty). Pooled: ratio of the plain medians,
#    with the range of the ratios of every pair of per-boot medians.
# Memory: bytes per entry from Slab: (meminfo), from the active bytes of
# /proc/slabinfo (all caches, and kmalloc-* + iint_cache only), raw and
# minus the control (the same files executed with nothing measuring),
# beside the module's memory_bytes.

def q($p): sort | if length == 0 then null else .[((length - 1) * $p) | round] end;
def median: sort | if length == 0 then null
	elif length % 2 == 1 then .[length / 2 | floor]
	else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def r3: if . == null then null else . * 1000 | round / 1000 end;
# 95 % confidence interval of the median, distribution-free: order
# statistics k and n+1-k, k = floor((n - 1.96 sqrt(n)) / 2) (n >= 6).
def ci: sort | length as $n | (($n - 1.96 * ($n | sqrt)) / 2 | floor) as $k
	| if $k < 1 then [null, null] else [.[$k - 1], .[$n - $k]] end;
def stats: { median: median, p25: q(0.25), p75: q(0.75), ci95: ci, min: min, max: max, n: length };
def rstats: { median: (median | r3), p25: (q(0.25) | r3), p75: (q(0.75) | r3),
	ci95: (ci | map(r3)), min: (min | r3), max: (max | r3), n: length };

. as $all
| ["exec_new", "exec_hit", "mmap_new", "mmap_hit", "open_new", "open_hit"] as $metrics
| [$all[] | select(.chunk != null)] as $c
| [$all[] | select(.mem != null)] as $mem
| [$all[] | select(.kernel != null)] as $boots
| def ext($cfg): [$c[] | select(.cfg == $cfg and .fs == "ext")];
  def vals($cfg; $m): [ext($cfg)[] | .[$m]];
  # the tmpfs sample of configuration $ref in the chunk of record .
  def tmpfs($ref; $m): . as $x
	| [$c[] | select(.boot == $x.boot and .chunk == $x.chunk and .cfg == $ref and .fs == "tmpfs")
	   | .[$m]] | first;
  def paired($cfg; $base; $m): [ext($cfg)[] | . as $x
	| ($c[] | select(.cfg == $base and .fs == "ext" and .boot == $x.boot and .chunk == $x.chunk))
	| $x[$m] / .[$m]];
  def baseline($m): [ext("none")[] | .[$m] / tmpfs("none"; $m)] | median;
  def referenced($cfg; $m): baseline($m) as $b
	| [ext($cfg)[] | .[$m] / tmpfs("ima"; $m) / $b];
  def bootmeds($cfg; $m): [ext($cfg)[] | .boot] | unique
	| map(. as $b | [ext($cfg)[] | select(.boot == $b) | .[$m]] | median);
  def pooled($cfg; $base; $m):
	[bootmeds($cfg; $m)[] as $a | bootmeds($base; $m)[] | $a / .] as $pairs
	| { median: ((vals($cfg; $m) | median) / (vals($base; $m) | median) | r3),
	    min: ($pairs | min | r3), max: ($pairs | max | r3), boot_pairs: ($pairs | length) };
  def cfgs: ["none", "ima", "nsima", "ima+nsima"] | map(select(ext(.) | length > 0));
  def bymetric(f): $metrics | map(. as $m | { key: $m, value: ($m | f) }) | from_entries;
  def memcfg($cfg): [$mem[] | select(.mem == $cfg)];
  def ctrl($k): (memcfg("none") | map(.[$k] / .files) | median) // 0;
  def perentry($cfg; $who): memcfg($cfg) | map(. as $x | ($x[$who]) as $e | {
	boot: $x.boot, files: $x.files, entries: $e,
	slab_bytes: ($x.slab_kb * 1024 / $e | round),
	slab_bytes_minus_control: (($x.slab_kb * 1024 - ctrl("slab_kb") * 1024 * $x.files) / $e | round),
	slab_active_bytes: ($x.slab_active_bytes / $e | round),
	slab_active_bytes_minus_control: (($x.slab_active_bytes - ctrl("slab_active_bytes") * $x.files) / $e | round),
	kmalloc_active_bytes: ($x.kmalloc_active_bytes / $e | round),
	kmalloc_active_bytes_minus_control: (($x.kmalloc_active_bytes - ctrl("kmalloc_active_bytes") * $x.files) / $e | round),
	module_bytes: (if $who == "nsima" then ($x.module_bytes / $e | round) else null end) });
{
  date: $date,
  kernel: $kver,
  commit: $commit,
  vm: "QEMU TCG (no KVM), q35, -cpu max, 1 GiB, 1 of 2 vCPUs online, swtpm",
  banks: $boots[0].banks,
  settings: $settings,
  nsima_params: { cache_max: $boots[0].cache_max, ns_cache_max: $boots[0].ns_cache_max },
  files: "copies of a 4.8 KB static program, each with a unique trailer, on ext2 (ext4 driver) on a brd RAM disk",
  boots: { total: ($boots | length),
	   without_ima: ([$boots[] | select(.ima == 0)] | length),
	   with_ima: ([$boots[] | select(.ima == 1)] | length) },
  samples: (cfgs | map(. as $cfg | { key: $cfg, value: {
	boots: ([ext($cfg)[] | .boot] | unique | length),
	chunks: (ext($cfg) | length) } }) | from_entries),
  ns_per_op: (cfgs | map(. as $cfg | { key: $cfg,
	value: bymetric(. as $m | vals($cfg; $m) | stats) }) | from_entries),
  tmpfs_reference_ns_per_op: (["none", "ima"] | map(. as $cfg | { key: $cfg,
	value: bymetric(. as $m | [$c[] | select(.cfg == $cfg and .fs == "tmpfs") | .[$m]] | stats) })
	| from_entries),
  ratio_to_none: {
	nsima: bymetric(. as $m | paired("nsima"; "none"; $m) | rstats
		+ { method: "paired: same boot and chunk" }),
	ima: bymetric(. as $m | referenced("ima"; $m) | rstats
		+ { method: "referenced: ext/tmpfs in the same chunk, over the same in the boots without IMA",
		    pooled: pooled("ima"; "none"; $m) }),
	"ima+nsima": bymetric(. as $m | referenced("ima+nsima"; $m) | rstats
		+ { method: "referenced: ext/tmpfs(ima) in the same chunk, over the same in the boots without IMA",
		    pooled: pooled("ima+nsima"; "none"; $m) })
  },
  ratio_ima_nsima_to_ima: bymetric(. as $m | paired("ima+nsima"; "ima"; $m) | rstats
	+ { method: "paired: same boot and chunk" }),
  entries_added: (cfgs | map(. as $cfg | { key: $cfg, value:
	([range(6)] | map(. as $i | { key: $metrics[$i], value: {
		ima: ([ext($cfg)[] | .entries[$i].ima] | unique),
		nsima: ([ext($cfg)[] | .entries[$i].nsima] | unique) } }) | from_entries) })
	| from_entries),
  memory: {
	control_none_per_file: { slab_bytes: (ctrl("slab_kb") * 1024 | round),
		slab_active_bytes: (ctrl("slab_active_bytes") | round),
		kmalloc_active_bytes: (ctrl("kmalloc_active_bytes") | round),
		runs: (memcfg("none") | length) },
	ima: perentry("ima"; "ima"),
	nsima: perentry("nsima"; "nsima")
  },
  raw: $all
}
