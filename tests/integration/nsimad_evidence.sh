#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# nsimad's evidence endpoint against a real swtpm on the host: nsimad
# follows a list laid out as the module's securityfs (a directory: status,
# binary_runtime_measurements, ...) whose entries were extended into the
# swtpm's PCR 11 with tpm2_pcrextend, quotes over the verifier's nonce
# with its own AK, and serves the journal's slice. nsima-attest verifies
# each answer: the whole list, a second poll from the verifier's saved
# checkpoint (only the new entries), a namespace's view (others redacted,
# proven complete by the ns_state), and refuses a replayed answer. Bad
# queries get 4xx JSON and the agent stays up. Loopback only. TAP output.
set -u
cd "$(dirname "$0")/../.."
B=${B:-build}
attest=$B/bin/nsima-attest
nsimad=$B/bin/nsimad
mklog=$B/tests/bin/mklog
. tests/integration/tap.inc

need_tools swtpm swtpm_setup tpm2_pcrextend curl jq openssl
need_built "$attest" "$nsimad" "$mklog"

. tests/integration/swtpm.inc
swtpm_init
T=$SWTPM_TMP
NS=4026532114
OTHER=4026532200

swtpm_ca ca && swtpm_new A ca && swtpm_start A || {
	echo "not ok 1 - cannot set up swtpm"
	exit 1
}
ok "swtpm on 127.0.0.1:$A_port"

# The list in two parts: the second poll must carry the second only.
cat >"$T/spec1" <<'EOF'
aggregate boot-1
file /usr/lib/systemd/systemd systemd 252
file 4026532114:/usr/bin/curl curl 8.5.0
event 4026532114 exec {"argv":["curl"],"path":"/usr/bin/curl"}
file 4026532200:/secret/of/tenant-b dash 0.5.12
ns_state 4026532114
EOF
cp "$T/spec1" "$T/spec2"
cat >>"$T/spec2" <<'EOF'
file 4026532114:/usr/lib/x86_64-linux-gnu/libssl.so.3 libssl 3.0.11
file 4026532200:/secret/of/tenant-b-2 second
ns_state 4026532114
EOF
"$mklog" build "$T/spec1" "$T/log1" "$T/ext1" &&
	"$mklog" build "$T/spec2" "$T/log2" "$T/ext2" || {
	not_ok "mklog build"
	exit 1
}
cmp -s "$T/log1" <(head -c "$(stat -c %s "$T/log1")" "$T/log2") ||
	not_ok "the second list does not continue the first"

extend() { # extend FIRST LAST EXTFILE: lines FIRST..LAST (1-based)
	local l
	sed -n "$1,$2p" "$3" | while read -r l; do
		TPM2TOOLS_TCTI=$A_tcti tpm2_pcrextend "11:$l" || exit 1
	done
}

sfs=$T/sfs
# stop_agent WHAT LOG: SIGTERM to nsimad ($agent); it must exit 0
stop_agent() {
	local rc
	kill -TERM "$agent"
	wait "$agent"
	rc=$?
	[ $rc = 0 ] && ok "$1: exit 0" || not_ok "$1: exit $rc" "$(tail -n 3 "$2")"
}
. tests/integration/fakesfs.inc
status() { fakesfs_status "$sfs" "$1"; }
fakesfs_init "$sfs" "$T/log1" 6
extend 1 6 "$T/ext2" || not_ok "tpm2_pcrextend"

port=$(swtpm_free_port)
"$nsimad" --dir "$T/journal" --securityfs "$sfs" --no-trim --interval 50 \
	--listen "127.0.0.1:$port" --ak-dir "$T/ak" --tcti "$A_tcti" \
	>"$T/nsimad.log" 2>&1 &
agent=$!
SWTPM_PIDS+=("$agent")
url=http://127.0.0.1:$port
for _ in $(seq 100); do
	curl -fsS "$url/v1/ak" -o "$T/ak.json" 2>/dev/null && break
	sleep 0.1
done
if [ -s "$T/ak.json" ] && [ -f "$T/ak/ak.pub" ]; then
	ok "nsimad made its AK and serves it"
else
	not_ok "nsimad did not start" "$(tail -n 5 "$T/nsimad.log")"
	echo "1..$n"
	exit 1
fi
if [ "$(jq -r .ak_public "$T/ak.json" | base64 -d | cmp - "$T/ak/ak.pub" && echo same)" = same ]; then
	ok "GET /v1/ak is the AK in --ak-dir"
else
	not_ok "GET /v1/ak differs from ak.pub"
fi
# Enrollment through the agent: its EK certificate must chain to the
# TPM maker's CA (swtpm's local CA here), and its TPM must activate a
# credential made here for that EK and the AK it serves.
caopts=(--ca "$T/ca/ca/swtpm-localca-rootca-cert.pem" --chain "$T/ca/ca/issuercert.pem")
# forged activations first: each refused, and none may leave a TPM
# session behind (three would fill the TPM's slots and stop enrollment)
codes=""
for _ in 1 2 3 4 5; do
	codes="$codes $(curl -sS -o /dev/null -w '%{http_code}' "$url/v1/activate?credential=0002abcd&secret=00020102")"
done
[ "$codes" = " 422 422 422 422 422" ] && ok "5 forged credentials: 422 each" ||
	not_ok "5 forged credentials:$codes"
expect "enroll --agent over plain http: refused (2: anyone on the path could enroll their own TPM)" 2 \
	"$attest" enroll --agent "$url" "${caopts[@]}" -o "$T/enrolled.pub"
grep_out "... says why" "https"
code=$(curl -sS -o "$T/act" -w '%{http_code}' "$url/v1/activate?credential=0002abcd&secret=00020102")
[ "$code" = 400 ] || [ "$code" = 422 ] && ok "a forged credential: $code $(jq -r .error "$T/act")" ||
	not_ok "a forged credential: $code"
code=$(curl -sS -o "$T/act" -w '%{http_code}' "$url/v1/activate?credential=zz&secret=00")
[ "$code" = 400 ] && ok "a malformed activation query: 400" || not_ok "malformed activation: $code"
# Until the https part enrolls it, the test trusts the AK file nsimad made.
ak=$T/ak/ak.pub

# get NAME QUERY: the answer body in $T/NAME, the status in $T/NAME.code
get() {
	curl -sS -o "$T/$1" -w '%{http_code}' "$url/v1/evidence?$2" >"$T/$1.code" 2>"$T/$1.err"
}

nonce1=$(openssl rand -hex 20)
get b1 "nonce=$nonce1"
expect "whole list: trusted, 6 covered" 0 \
	"$attest" verify --ak "$ak" --nonce "$nonce1" --evidence "$T/b1" \
	--save-checkpoint "$T/cp.json"
grep_out "whole list: 6 entries covered" "6 entries covered, 0 pending"

expect "the same answer for another nonce: refused (5)" 5 \
	"$attest" verify --ak "$ak" --nonce "$(openssl rand -hex 20)" \
	--evidence "$T/b1"

# More entries: the kernel's list grows, then the PCR.
tail -c +$(($(stat -c %s "$T/log1") + 1)) "$T/log2" >>"$sfs/binary_runtime_measurements"
status 9
extend 7 9 "$T/ext2" || not_ok "tpm2_pcrextend"
next=$(jq -r .next "$T/cp.json")
nonce2=$(openssl rand -hex 20)
get b2 "nonce=$nonce2&from=$next"
if [ "$next" = 6 ] && [ "$(jq -r .log.first_index "$T/b2")" = 6 ]; then
	ok "second poll asks from 6 and gets the list from 6"
else
	not_ok "second poll: next $next, first_index $(jq -r .log.first_index "$T/b2" 2>&1)"
fi
expect "second poll: trusted from the saved checkpoint" 0 \
	"$attest" verify --ak "$ak" --nonce "$nonce2" --evidence "$T/b2" \
	--checkpoint "$T/cp.json"
grep_out "second poll: only the 3 new entries replayed" "9 entries covered \\(0\\.\\.5 by the verifier.s checkpoint\\), 0 pending"
expect "second poll without the checkpoint: refused (3: the log starts at 6)" 3 \
	"$attest" verify --ak "$ak" --nonce "$nonce2" --evidence "$T/b2"

# A namespace's view: the others as digests only, completeness proven.
nonce3=$(openssl rand -hex 20)
get b3 "nonce=$nonce3&ns=$NS"
expect "ns $NS view: trusted" 0 \
	"$attest" verify --ak "$ak" --nonce "$nonce3" --evidence "$T/b3" --ns $NS
grep_out "ns view: complete by its ns_state" "ns_state"
# the names as a reader sees them (CEL carries the template data encoded)
jq -r .log.data "$T/b3" | base64 -d >"$T/b3.log"
"$attest" show --log "$T/b3.log" >"$T/b3.show" 2>&1
if grep -q "tenant-b" "$T/b3.show" || ! grep -q "/usr/bin/curl" "$T/b3.show"; then
	not_ok "tenant A's evidence names tenant B's files, or not its own" "$(head -c 400 "$T/b3.show")"
else
	ok "tenant A's evidence names its own files and none of tenant B's"
fi
jq -r .log.data "$T/b1" | base64 -d >"$T/b1.log"
if "$attest" show --log "$T/b1.log" | grep -q "tenant-b"; then
	ok "(the whole list does name them)"
else
	not_ok "the whole list lacks tenant B's paths"
fi

# A bundle without its list proves nothing about a view or a
# continuation: refused, not "trusted" on the quote alone.
jq 'del(.log)' "$T/b3" >"$T/nolog.json"
expect "a view's bundle without its list: refused (3)" 3 \
	"$attest" verify --ak "$ak" --nonce "$nonce3" --evidence "$T/nolog.json" --ns $NS
grep_out "... says why" "no list: a namespace's view"
jq 'del(.log)' "$T/b2" >"$T/nolog2.json"
expect "a continuation without its list: refused (3)" 3 \
	"$attest" verify --ak "$ak" --nonce "$nonce2" --evidence "$T/nolog2.json" \
	--checkpoint "$T/cp.json"

# Bad queries: 4xx JSON, never a crash.
bad() { # bad DESC CODE QUERY
	local code
	get bad "$3"
	code=$(cat "$T/bad.code")
	if [ "$code" = "$2" ] && jq -e .error "$T/bad" >/dev/null 2>&1; then
		ok "$1: $code $(jq -r .error "$T/bad")"
	else
		not_ok "$1: HTTP $code, want $2" "$(head -c 300 "$T/bad")"
	fi
}
bad "no nonce" 400 ""
bad "nonce not hex" 400 "nonce=zz"
bad "nonce of odd length" 400 "nonce=abc"
bad "nonce of 33 bytes" 400 "nonce=$(printf 'a%.0s' $(seq 66))"
bad "from of 2^63" 400 "nonce=00&from=9223372036854775808"
bad "from beyond the list's end" 416 "nonce=00&from=1000"
bad "unknown key" 400 "nonce=00&evil=1"
bad "key twice" 400 "nonce=00&nonce=01"
bad "ns and container" 400 "nonce=00&ns=1&container=x"
bad "percent-encoded" 400 "nonce=%30%30"
bad "ns not a number" 400 "nonce=00&ns=-1"
bad "from beyond 2^64" 400 "nonce=00&from=18446744073709551616"
bad "empty pair" 400 "nonce=00&&from=1"
mkdir -p "$sfs/ns"
bad "unknown container" 404 "nonce=00&container=nope"
code=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$url/v1/evidence?nonce=00")
[ "$code" = 405 ] && ok "POST: 405" || not_ok "POST: $code"
code=$(curl -sS -o /dev/null -w '%{http_code}' "$url/v1/evidence?nonce=00&x=$(head -c 3000 /dev/zero | tr '\0' a)")
case $code in 4??) ok "URI of 3 kB: $code" ;; *) not_ok "URI of 3 kB: $code" ;; esac
if kill -0 "$agent" 2>/dev/null; then
	ok "nsimad still up after the bad requests"
else
	not_ok "nsimad died" "$(tail -n 5 "$T/nsimad.log")"
fi
nonce4=$(openssl rand -hex 20)
get b4 "nonce=$nonce4"
expect "and still answers: trusted, 9 covered" 0 \
	"$attest" verify --ak "$ak" --nonce "$nonce4" --evidence "$T/b4"

# The verifier's own commands: fetch, and verify --agent (a fresh nonce
# each time, the saved checkpoint for the next poll).
expect "fetch --agent -o FILE" 0 "$attest" fetch --agent "$url" -o "$T/f1"
grep_out "fetch: says the nonce it drew" "over nonce [0-9a-f]{64} \(from entry 0\)"
fnonce=$(sed -n 's/.* over nonce \([0-9a-f]*\) .*/\1/p' "$T/out")
expect "the fetched bundle verifies over that nonce" 0 \
	"$attest" verify --ak "$ak" --nonce "$fnonce" --evidence "$T/f1"
expect "verify --agent: trusted" 0 \
	"$attest" verify --ak "$ak" --agent "$url" --save-checkpoint "$T/vcp.json"
grep_out "verify --agent: 9 covered" "9 entries covered, 0 pending"
cp "$T/spec2" "$T/spec3"
echo "file 4026532114:/usr/bin/third three" >>"$T/spec3"
"$mklog" build "$T/spec3" "$T/log3" "$T/ext3" || not_ok "mklog build 3"
tail -c +$(($(stat -c %s "$T/log2") + 1)) "$T/log3" >>"$sfs/binary_runtime_measurements"
status 10
extend 10 10 "$T/ext3" || not_ok "tpm2_pcrextend"
expect "verify --agent, second poll: trusted" 0 \
	"$attest" verify --ak "$ak" --agent "$url" --checkpoint "$T/vcp.json" \
	--save-checkpoint "$T/vcp.json"
grep_out "second poll replays only the new entry" "10 entries covered \(0\.\.8 by the verifier.s checkpoint\), 0 pending"
expect "verify --agent --ns: trusted" 0 \
	"$attest" verify --ak "$ak" --agent "$url" --ns $NS
"$attest" quote -T "$A_tcti" --ak-dir "$T/ak2" --nonce 00 -o "$T/q2" >/dev/null ||
	not_ok "a second AK"
expect "verify --agent trusting another AK of the same TPM: refused (4)" 4 \
	"$attest" verify --ak "$T/ak2/ak.pub" --agent "$url"
expect "verify --agent, nothing listening: io-error (12)" 12 \
	"$attest" verify --ak "$ak" --agent "http://127.0.0.1:1"
grep_out "names the agent" "127.0.0.1:1"
expect "verify --agent --container unknown: io-error (12)" 12 \
	"$attest" verify --ak "$ak" --agent "$url" --container nope
grep_out "says no such container" "HTTP 404: no live namespace is labelled with that container"
expect "verify --agent --log: usage (2)" 2 \
	"$attest" verify --ak "$ak" --agent "$url" --log "$T/log1"
expect "verify --agent ftp://: usage (2)" 2 \
	"$attest" verify --ak "$ak" --agent "ftp://127.0.0.1:$port"

stop_agent "SIGTERM" "$T/nsimad.log"

# ---- HTTPS and client certificates ----
# A CA of the test's own; the agent's certificate for 127.0.0.1; clients:
# the verifier (the whole node), tenant A (its namespace only), a client
# with no rule, one from another CA, one not for client authentication.
pki=$T/pki
mkdir -p "$pki"
mkca() { # mkca NAME
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$pki/$1.key" -out "$pki/$1.pem" -days 2 -subj "/CN=$1" \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign >/dev/null 2>&1
}
mkcert() { # mkcert NAME CA EXT
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$pki/$1.key" -out "$pki/$1.csr" -subj "/CN=$1" >/dev/null 2>&1 &&
		openssl x509 -req -in "$pki/$1.csr" -CA "$pki/$2.pem" -CAkey "$pki/$2.key" \
			-CAcreateserial -days 2 -out "$pki/$1.pem" -extfile <(printf '%s\n' "$3") \
			>/dev/null 2>&1
}
mkca ca && mkca otherca &&
	mkcert server ca "subjectAltName=IP:127.0.0.1
extendedKeyUsage=serverAuth" &&
	mkcert verifier ca "extendedKeyUsage=clientAuth" &&
	mkcert tenant-a ca "extendedKeyUsage=clientAuth" &&
	mkcert stranger ca "extendedKeyUsage=clientAuth" &&
	mkcert tenant-x otherca "extendedKeyUsage=clientAuth" &&
	mkcert serveronly ca "extendedKeyUsage=serverAuth" &&
	mkcert noeku ca "keyUsage=digitalSignature" &&
	mkcert caclient ca "basicConstraints=critical,CA:TRUE
extendedKeyUsage=clientAuth" &&
	mkcert verifier-other otherca "extendedKeyUsage=clientAuth" &&
	openssl req -new -key "$pki/verifier-other.key" -out "$pki/vo.csr" -subj "/CN=verifier" >/dev/null 2>&1 &&
	openssl x509 -req -in "$pki/vo.csr" -CA "$pki/otherca.pem" -CAkey "$pki/otherca.key" \
		-CAcreateserial -days 2 -out "$pki/verifier-other.pem" \
		-extfile <(echo "extendedKeyUsage=clientAuth") >/dev/null 2>&1 &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$pki/twocn.key" -out "$pki/twocn.csr" \
		-subj "/CN=verifier/CN=tenant-a" >/dev/null 2>&1 &&
	openssl x509 -req -in "$pki/twocn.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" \
		-CAcreateserial -days 2 -out "$pki/twocn.pem" \
		-extfile <(echo "extendedKeyUsage=clientAuth") >/dev/null 2>&1 ||
	not_ok "openssl: cannot make the test PKI"
# the config file carries the rules, the command line the rest
cat >"$T/tls.conf" <<EOF
client = verifier node
client = tenant-a ns:$NS
client = serveronly node
EOF
tls() { # tls CLIENT: the curl options of that client
	echo "--cacert $pki/ca.pem --cert $pki/$1.pem --key $pki/$1.key"
}
# tls_agent LOG [OPTION...]: nsimad over HTTPS with the test PKI and this
# journal, AK and TPM, on a free port (port, surl; its pid in agent),
# once it serves /v1/ak to the verifier (10 s at most)
tls_agent() {
	local log=$1
	shift
	port=$(swtpm_free_port)
	"$nsimad" "$@" --dir "$T/journal" --securityfs "$sfs" \
		--no-trim --interval 50 --listen "127.0.0.1:$port" --ak-dir "$T/ak" \
		--tcti "$A_tcti" --tls-cert "$pki/server.pem" --tls-key "$pki/server.key" \
		--client-ca "$pki/ca.pem" >"$log" 2>&1 &
	agent=$!
	SWTPM_PIDS+=("$agent")
	surl=https://127.0.0.1:$port
	for _ in $(seq 100); do
		# shellcheck disable=SC2046
		curl -fsS $(tls verifier) "$surl/v1/ak" -o /dev/null 2>/dev/null && return 0
		sleep 0.1
	done
}
tls_agent "$T/nsimad-tls.log" --config "$T/tls.conf"
# shellcheck disable=SC2046
expect "https: the verifier attests the node" 0 \
	"$attest" verify --ak "$ak" --agent "$surl" $(tls verifier)
grep_out "https: 10 entries covered" "10 entries covered"
# shellcheck disable=SC2046
expect "https: the verifier enrolls the AK (its EK certificate chains to swtpm's CA, its TPM activates our credential)" 0 \
	"$attest" enroll --agent "$surl" "${caopts[@]}" -o "$T/enrolled2.pub" $(tls verifier)
grep_out "... says so" "^enrolled: AK [0-9a-f]+ of https://127.0.0.1:$port lives in the TPM of EK certificate"
if cmp -s "$T/enrolled2.pub" "$T/ak/ak.pub"; then
	ok "the enrolled AK is nsimad's"
else
	not_ok "the enrolled AK differs from nsimad's ak.pub"
fi
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/stranger-ca.key" -out "$T/stranger-ca.pem" -days 2 \
	-subj "/CN=not the TPM maker" >/dev/null 2>&1
# shellcheck disable=SC2046
expect "enroll --agent against another CA: refused (4)" 4 \
	"$attest" enroll --agent "$surl" --ca "$T/stranger-ca.pem" -o "$T/no.pub" $(tls verifier)
if [ -e "$T/no.pub" ]; then not_ok "... and wrote the AK anyway"; else ok "... nothing written"; fi
expect "enroll: --agent with --ak-dir: usage (2)" 2 \
	"$attest" enroll --agent "$surl" --ak-dir "$T/ak" "${caopts[@]}" -o "$T/x.pub"
ak=$T/enrolled2.pub
# shellcheck disable=SC2046
expect "https: a tenant may not enroll (12, 403)" 12 \
	"$attest" enroll --agent "$surl" "${caopts[@]}" -o "$T/enrolled3.pub" $(tls tenant-a)
# shellcheck disable=SC2046
expect "https: tenant A attests its own namespace" 0 \
	"$attest" verify --ak "$ak" --agent "$surl" --ns $NS $(tls tenant-a)
# shellcheck disable=SC2046
expect "https: tenant A may not have the whole list (12, 403)" 12 \
	"$attest" verify --ak "$ak" --agent "$surl" $(tls tenant-a)
grep_out "... refused with 403" "HTTP 403: this client may see its namespaces' views only|HTTP 403: this client may not see that"
# shellcheck disable=SC2046
expect "https: tenant A may not have tenant B's view (12, 403)" 12 \
	"$attest" verify --ak "$ak" --agent "$surl" --ns $OTHER $(tls tenant-a)
grep_out "... refused with 403" "HTTP 403"
code=$(curl -sS -o "$T/m" -w '%{http_code}' $(tls tenant-a) "$surl/metrics")
[ "$code" = 403 ] && ok "https: tenant A may not read /metrics (403)" ||
	not_ok "https: tenant A /metrics: $code"
code=$(curl -sS -o "$T/m" -w '%{http_code}' $(tls verifier) "$surl/metrics")
[ "$code" = 200 ] && grep -q '^nsima_agent_' "$T/m" &&
	ok "https: the verifier reads /metrics" || not_ok "https: verifier /metrics: $code"
# shellcheck disable=SC2046
expect "https: a client with no rule: refused (12, 403)" 12 \
	"$attest" verify --ak "$ak" --agent "$surl" $(tls stranger)
grep_out "... no rule" "HTTP 403: no client rule"
# a CN that has a rule, but not on a certificate the agent trusts
for who in verifier-other noeku caclient twocn; do
	code=$(curl -sS -o "$T/m" -w '%{http_code}' $(tls $who) "$surl/metrics" 2>/dev/null)
	if [ "$code" = 403 ] && grep -q "trusted client certificate is required" "$T/m"; then
		ok "https: client certificate '$who' refused (403, not trusted)"
	else
		not_ok "https: client certificate '$who': $code $(head -c 200 "$T/m")"
	fi
done
# shellcheck disable=SC2046
expect "https: a client of another CA: refused (12)" 12 \
	"$attest" verify --ak "$ak" --agent "$surl" --cacert "$pki/ca.pem" \
	--cert "$pki/tenant-x.pem" --key "$pki/tenant-x.key"
# shellcheck disable=SC2046
expect "https: a certificate not for client authentication: refused (12)" 12 \
	"$attest" verify --ak "$ak" --agent "$surl" $(tls serveronly)
expect "https: no client certificate: refused (12)" 12 \
	"$attest" verify --ak "$ak" --agent "$surl" --cacert "$pki/ca.pem"
# shellcheck disable=SC2046
expect "https: an agent whose certificate is not from the CA we trust: refused (12)" 12 \
	"$attest" verify --ak "$ak" --agent "$surl" --cacert "$pki/otherca.pem" \
	--cert "$pki/verifier.pem" --key "$pki/verifier.key"
grep_out "... a TLS error" "certificate|SSL"
code=$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v1/ak" 2>/dev/null)
[ "$code" != 200 ] && ok "https: plain HTTP is not served ($code)" ||
	not_ok "https: plain HTTP answered 200"
# Slots: 4 evidence requests in flight at most, 2 of them a client's.
# The module's status says one entry more than its list holds: requests
# wait for the journal to hold it (10 s, then 503), keeping their slots.
cur=$(sed -n 's/^entries: //p' "$sfs/status")
status $((cur + 1))
ev_code() { # ev_code CLIENT [QUERY]: the status of GET /v1/evidence
	local q
	q="nonce=$(openssl rand -hex 8)${2:+&$2}"
	# shellcheck disable=SC2046
	curl -sS -o "$T/ev_body" -w '%{http_code}' $(tls "$1") \
		"$surl/v1/evidence?$q" 2>/dev/null
}
ev_code tenant-a "ns=$NS" >"$T/slot1" &
s1=$!
ev_code tenant-a "ns=$NS" >"$T/slot2" &
s2=$!
sleep 1.5
code=$(ev_code tenant-a "ns=$NS")
[ "$code" = 429 ] && ok "slots: a client's third request while two wait: 429" ||
	not_ok "slots: a client's third request: $code (expected 429)"
ev_code verifier >"$T/slot3" &
s3=$!
ev_code verifier >"$T/slot4" &
s4=$!
sleep 1.5
# shellcheck disable=SC2046
code=$(curl -sS -o "$T/busy" -w '%{http_code}' $(tls verifier) \
	"$surl/v1/evidence?nonce=00" 2>/dev/null)
[ "$code" = 503 ] && grep -q "in flight" "$T/busy" &&
	ok "slots: a fifth request while four wait: 503, in flight" ||
	not_ok "slots: a fifth request: $code $(head -c 200 "$T/busy" 2>/dev/null)"
# shellcheck disable=SC2046
code=$(curl -sS -o /dev/null -w '%{http_code}' $(tls verifier) "$surl/metrics" 2>/dev/null)
[ "$code" = 200 ] && ok "slots: /metrics answers meanwhile" || not_ok "slots: /metrics: $code"
wait $s1 $s2 $s3 $s4
[ "$(cat "$T/slot1" "$T/slot2" "$T/slot3" "$T/slot4" | tr -d '\n')" = 503503503503 ] &&
	ok "slots: the four waiting requests give up after 10 s (503: the journal is behind)" ||
	not_ok "slots: the waiting requests: $(cat "$T/slot1" "$T/slot2" "$T/slot3" "$T/slot4" | tr '\n' ' ')"
status "$cur"
code=$(ev_code tenant-a "ns=$NS")
[ "$code" = 200 ] && ok "slots: given back: tenant A's next request is served" ||
	not_ok "slots: tenant A after the wait: $code"
# Quotes take half the TPM at most (the module extends every entry into
# it), 50 ms apart at least: two at once, the second waits.
qmetric() { # qmetric NAME: its value in /metrics now
	# shellcheck disable=SC2046
	curl -sS $(tls verifier) "$surl/metrics" 2>/dev/null | sed -n "s/^$1 //p"
}
w0=$(qmetric nsima_agent_quote_wait_milliseconds_total)
q0=$(qmetric nsima_agent_quotes_total)
t0=$(date +%s%N)
ev_code verifier >"$T/gap1" &
p1=$!
ev_code verifier >"$T/gap2" &
p2=$!
wait $p1 $p2
t1=$(date +%s%N)
w1=$(qmetric nsima_agent_quote_wait_milliseconds_total)
q1=$(qmetric nsima_agent_quotes_total)
[ "$(cat "$T/gap1" "$T/gap2" | tr -d '\n')" = 200200 ] &&
	[ $((q1 - q0)) = 2 ] && [ $((w1 - w0)) -gt 0 ] &&
	[ $(((t1 - t0) / 1000000)) -ge 50 ] &&
	ok "two quotes at once: both answered, the second waited $((w1 - w0)) ms for the TPM's other half, $(((t1 - t0) / 1000000)) ms in all (/metrics)" ||
	not_ok "two quotes at once: [$(cat "$T/gap1")] [$(cat "$T/gap2")] quotes +$((q1 - q0)), waited +$((w1 - w0)) ms, $(((t1 - t0) / 1000000)) ms"
expect "nsimad: client rules without --client-ca: usage (2)" 2 \
	"$nsimad" --dir "$T/j2" --securityfs "$sfs" --client "x node"
expect "nsimad: a bad client rule: usage (2)" 2 \
	"$nsimad" --dir "$T/j2" --securityfs "$sfs" --client "x nodes"
grep_out "... says why" "a scope is node, ns:NSID or container:NAME"
expect "nsimad: --tls-cert without --tls-key: usage (2)" 2 \
	"$nsimad" --dir "$T/j2" --securityfs "$sfs" --tls-cert "$pki/server.pem"

# A reused namespace id: NS ends (its ns_end), a new namespace gets the
# same id and runs its own file. Tenant A (ns:NS) now sees the new
# incarnation in full and the old one's entries only redacted, and the
# view still verifies, proven complete by the new ns_state.
cp "$T/spec3" "$T/spec4"
cat >>"$T/spec4" <<'EOF'
event 4026532114 ns_end {"entries":4}
file 4026532114:/new/tenant/app new-tenant
ns_state 4026532114
EOF
"$mklog" build "$T/spec4" "$T/log4" "$T/ext4" || not_ok "mklog build 4"
tail -c +$(($(stat -c %s "$T/log3") + 1)) "$T/log4" >>"$sfs/binary_runtime_measurements"
status 13
extend 11 13 "$T/ext4" || not_ok "tpm2_pcrextend"
# shellcheck disable=SC2046
"$attest" fetch --agent "$surl" --ns $NS -o "$T/b5" $(tls tenant-a) >"$T/out" 2>&1
nonce5=$(sed -n 's/.* over nonce \([0-9a-f]*\) .*/\1/p' "$T/out")
expect "a reused id: the new tenant's view verifies" 0 \
	"$attest" verify --ak "$ak" --nonce "$nonce5" --evidence "$T/b5" --ns $NS
jq -r .log.data "$T/b5" | base64 -d >"$T/b5.log"
"$attest" show --log "$T/b5.log" >"$T/b5.show" 2>&1
if grep -q "/new/tenant/app" "$T/b5.show" && ! grep -q "/usr/bin/curl\|/usr/bin/third\|libssl" "$T/b5.show"; then
	ok "a reused id: the new tenant sees its file and none of the previous one's"
else
	not_ok "a reused id: the view shows the previous tenant's entries (or not the new one's)" "$(grep -v redacted "$T/b5.show" | head -c 600)"
fi
if kill -0 "$agent" 2>/dev/null; then
	ok "https: nsimad still up"
else
	not_ok "https: nsimad died" "$(tail -n 5 "$T/nsimad-tls.log")"
fi
stop_agent "SIGTERM" "$T/nsimad-tls.log"

# --rate: requests that use the TPM (evidence, activation), a token
# bucket per client (CN), bursts of 4x the rate; the command line wins
# over the config file. At --rate 1 a client polling as fast as it can
# gets 429 after its burst (and at most one more a second); another
# client still has its own burst; activations draw on it too.
expect "nsimad --rate 1001: usage (2)" 2 \
	"$nsimad" --dir "$T/j3" --securityfs "$sfs" --rate 1001
grep_out "... says why" "--rate 1001: not 0..1000"
printf 'rate = x\n' >"$T/rate-bad.conf"
expect "nsimad: rate = x in the config file: usage (2)" 2 \
	"$nsimad" --config "$T/rate-bad.conf" --dir "$T/j3" --securityfs "$sfs"
grep_out "... says why" "rate: 'x' is not 0..1000"
cp "$T/tls.conf" "$T/rate.conf"
echo "rate = 1000" >>"$T/rate.conf"
tls_agent "$T/nsimad-rate.log" --config "$T/rate.conf" --rate 1
rl() { # the rate refusals /metrics counts now
	# shellcheck disable=SC2046
	curl -sS $(tls verifier) "$surl/metrics" 2>/dev/null | sed -n 's/^nsima_agent_rate_limited_total //p'
}
r0=$(rl)
served=0 code=200
t0=$(date +%s%N)
while [ "$code" = 200 ] && [ $served -lt 40 ]; do
	code=$(ev_code verifier)
	[ "$code" = 200 ] && served=$((served + 1))
done
t1=$(date +%s%N)
secs=$(( (t1 - t0 + 999999999) / 1000000000 ))
[ "$code" = 429 ] && grep -q '"rate: this client may make 1 TPM requests a second (bursts of 4)"' "$T/ev_body" &&
	[ $served -ge 4 ] && [ $served -le $((4 + secs)) ] &&
	ok "--rate 1 (over the config's 1000): the verifier polling at full speed: $served served in ${secs} s, then 429 (rate)" ||
	not_ok "--rate 1: $served served in ${secs} s, then $code $(head -c 200 "$T/ev_body")"
codes=""
for _ in 1 2 3 4; do
	codes="$codes $(ev_code tenant-a "ns=$NS")"
done
[ "$codes" = " 200 200 200 200" ] &&
	ok "--rate: tenant A meanwhile has its own bucket: its burst of 4 served" ||
	not_ok "--rate: tenant A after the verifier's drain:$codes $(head -c 200 "$T/ev_body")"
code=200 acts=0
while [ "$code" != 429 ] && [ $acts -lt 20 ]; do
	# shellcheck disable=SC2046
	code=$(curl -sS -o "$T/act" -w '%{http_code}' $(tls verifier) \
		"$surl/v1/activate?credential=0002abcd&secret=00020102" 2>/dev/null)
	acts=$((acts + 1))
done
[ "$code" = 429 ] && grep -q '"rate: ' "$T/act" && [ $acts -le 6 ] &&
	ok "--rate: activations draw on the verifier's bucket: 429 after $acts" ||
	not_ok "--rate: activations: $code after $acts $(head -c 200 "$T/act")"
r1=$(rl)
[ -n "$r1" ] && [ $((r1 - r0)) = 2 ] &&
	ok "--rate: /metrics counts the 2 refusals (nsima_agent_rate_limited_total)" ||
	not_ok "--rate: /metrics counted $r0 -> $r1"
stop_agent "--rate: SIGTERM" "$T/nsimad-rate.log"
# --rate 0: no limit
port=$(swtpm_free_port)
"$nsimad" --rate 0 --dir "$T/journal" --securityfs "$sfs" --no-trim \
	--interval 50 --listen "127.0.0.1:$port" --ak-dir "$T/ak" \
	--tcti "$A_tcti" >"$T/nsimad-rate0.log" 2>&1 &
agent=$!
SWTPM_PIDS+=("$agent")
url=http://127.0.0.1:$port
for _ in $(seq 100); do
	curl -fsS "$url/metrics" -o /dev/null 2>/dev/null && break
	sleep 0.1
done
codes=""
for _ in $(seq 12); do
	codes="$codes $(curl -sS -o /dev/null -w '%{http_code}' "$url/v1/evidence?nonce=$(openssl rand -hex 8)" 2>/dev/null)"
done
[ "$codes" = "$(printf ' 200%.0s' $(seq 12))" ] &&
	[ "$(curl -sS "$url/metrics" 2>/dev/null | sed -n 's/^nsima_agent_rate_limited_total //p')" = 0 ] &&
	ok "--rate 0: 12 requests as fast as they come, all served, none counted" ||
	not_ok "--rate 0:$codes"
stop_agent "--rate 0: SIGTERM" "$T/nsimad-rate0.log"
echo "1..$n"
exit $failed
