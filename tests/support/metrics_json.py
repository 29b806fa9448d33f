#!/usr/bin/python3
"""Fetches a node's /metrics and prints its samples as JSON, parsed by
prometheus_client's own parser (Debian python3-prometheus-client), so that
a test checks real Prometheus text, not one grepped line.

Usage: metrics_json.py URL
Prints {"content_type": ..., "samples": [{"name", "labels", "value"}, ...],
"types": {family: type}}; exits 1 naming the problem if the answer is not
200 or does not parse."""
import json
import sys
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def main():
    url = sys.argv[1]
    with urllib.request.urlopen(url, timeout=10) as res:
        if res.status != 200:
            sys.exit(f"{url}: status {res.status}")
        content_type = res.headers.get("Content-Type", "")
        text = res.read().decode("utf-8")
    samples = []
    types = {}
    try:
        for family in text_string_to_metric_families(text):
            types[family.name] = family.type
            for s in family.samples:
                samples.append(
                    {"name": s.name, "labels": s.labels, "value": s.value})
    except Exception as e:  # the parser's own message names the line
        sys.exit(f"{url}: not Prometheus text: {e}")
    json.dump({"content_type": content_type, "samples": samples,
               "types": types}, sys.stdout)


if __name__ == "__main__":
    main()
