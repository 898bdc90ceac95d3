#!/usr/bin/env python3
# flakefmt-demo: git_exec_bit@1
"""Print the state of the SkyPilot clusters as one line each, for status bars."""

import json, subprocess, sys


def cluster_states( ) -> dict[str,str]:  # flakefmt-demo: format
    output = subprocess.run(['sky', 'status', '--format', 'json'], check=True, capture_output=True, text=True).stdout
    return {c['name']:c['status'] for c in json.loads(output)}


def main() -> int:
    states = cluster_states()
    for name, state in sorted(states.items()):
        print(f"{name}: {state}")
    return 0 if states else 1


if __name__ == "__main__":
    sys.exit(main())
