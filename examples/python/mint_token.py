#!/usr/bin/env python3
"""Mint Centrifugo tokens with the instant package.

    pip install ./bindings/python
    CENTRIFUGO_HMAC_KEY=... python3 examples/python/mint_token.py alice [CHANNEL]

Prints the connection token, and a subscription token when CHANNEL is given.
"""
import sys

import instant


def main(argv):
    if len(argv) < 2:
        print("usage: mint_token.py USER [CHANNEL]", file=sys.stderr)
        return 2
    try:
        signer = instant.Signer.from_env(lifetime=3600)  # CENTRIFUGO_HMAC_KEY
        print(signer.connection_token(argv[1], info={"name": argv[1]}))
        if len(argv) > 2:
            print(signer.subscription_token(argv[1], argv[2]))
    except instant.InstantError as e:  # never prints the key: messages hold no secrets
        print(f"token failed: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
