#!/usr/bin/env python3
"""Publish a django-instant event with the instant package.

    pip install ./bindings/python
    CENTRIFUGO_URL=http://localhost:8000 CENTRIFUGO_API_KEY=... \
    python3 examples/python/publish.py news "hello" '{"n":1}'
"""
import sys

import instant


def main(argv):
    if len(argv) < 3:
        print("usage: publish.py CHANNEL MESSAGE [DATA_JSON]", file=sys.stderr)
        return 2
    channel, message = argv[1], argv[2]
    data = argv[3] if len(argv) > 3 else None
    try:
        with instant.Client() as client:
            pos = client.publish(channel, message, data=data, event_class="example")
    except instant.InstantError as e:  # e.kind, e.http_status, e.server_code
        print(f"publish failed: {e}", file=sys.stderr)
        return 1
    print(f"published to {channel}: offset={pos.offset} epoch={pos.epoch}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
