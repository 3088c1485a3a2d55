#!/bin/sh
# The module follows kernel coding style: checkpatch.pl --strict is clean.
echo "1..1"
if out=$(scripts/checkpatch 2>&1); then
	echo "ok 1 - checkpatch --strict: kmod/ clean"
else
	echo "not ok 1 - checkpatch --strict reports problems in kmod/"
	printf '%s\n' "$out" | sed 's/^/# /' | head -n 40
	exit 1
fi
