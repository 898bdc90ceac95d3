#!/usr/bin/env python3
"""Launch a SkyPilot task on the local cluster and wait for it to finish."""

import argparse
import subprocess
import sys


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("task", help="path of the task YAML file")
    parser.add_argument("--cluster", default="skypilot", help="cluster name")
    parser.add_argument("--detach", action="store_true", help="do not wait")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    command = ["sky", "launch", "--yes", "--cluster", args.cluster, args.task]
    if args.detach:
        command.append("--detach-run")
    return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
