#!/usr/bin/env python3
"""Mint Centrifugo tokens through libinstant_c from Python.

    CENTRIFUGO_HMAC_KEY=... INSTANT_C_LIBRARY=build/capi/shared/libinstant_c.so \\
    python3 examples/python/token.py alice [CHANNEL]

Prints the connection token, and a subscription token when CHANNEL is given.
"""
import os
import sys

import instant


def main(argv):
    if len(argv) < 2:
        print("usage: token.py USER [CHANNEL]", file=sys.stderr)
        return 2
    key = os.environ.get("CENTRIFUGO_HMAC_KEY")
    if not key:
        print("CENTRIFUGO_HMAC_KEY is not set", file=sys.stderr)
        return 2
    try:
        signer = instant.Signer.hmac(key, "HS256", lifetime=3600)
        print(signer.connection_token(argv[1], info={"name": argv[1]}))
        if len(argv) > 2:
            print(signer.subscription_token(argv[1], argv[2]))
    except instant.Error as e:  # never prints the key: messages hold no secrets
        print(f"token failed: {e.name}: {e.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
