"""Every function instant.h declares is called by tests/capi/test_capi.c."""
import re
import sys

header, test = sys.argv[1], sys.argv[2]
declared = set(re.findall(r"^INSTANT_API[^;(]*?\b(instant_\w+)\s*\(", open(header).read(), re.M | re.S))
code = open(test).read()
missing = sorted(f for f in declared if not re.search(r"\b" + f + r"\s*\(", code))
if not declared:
    sys.exit("FAIL: no declarations found in " + header)
if missing:
    print("FAIL: not exercised by the C test:", *missing, sep="\n  ")
    sys.exit(1)
print(f"ok: all {len(declared)} functions of instant.h are called by the C test")
