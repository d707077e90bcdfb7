#!/usr/bin/env python3
"""Writes the seed corpora for the fuzz targets into DIR/<target>/ (default /tmp/ecslint-seeds).

Seeds come from the repository's fixtures and examples plus a few hand-made edge
cases. Run from the repository root. Files over 64 KiB are skipped.
"""
import hashlib
import os
import pathlib
import sys
import tomllib

ROOT = pathlib.Path(".")
OUT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/ecslint-seeds")
MAX = 64 * 1024

EDGE_JSON = [
    b"", b"{", b"[", b"{}", b"[]", b"null", b"\xef\xbb\xbf{}", b'{"a":1,"a":2}',
    b'"\\ud800"', b'"\\u00e9\\n\\t\\"\\\\"', b"1e999", b"-0.0e-0", b"[" * 600 + b"]" * 600,
    b'{"a":' * 520 + b"1" + b"}" * 520, b'{"a" 1}', b"\xff\xfe{}", b'{"\xc3\xa9":"\xe2\x82\xac"}',
    b'{"containerDefinitions":[{"name":"a","image":"x"}]}',
    b'{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"aws_ecs_task_definition.t","type":"aws_ecs_task_definition","values":{"container_definitions":"[{\\"name\\":\\"a\\",\\"image\\":\\"x\\",\\"secrets\\":[{\\"name\\":\\"S\\",\\"valueFrom\\":\\"arn:aws:ssm:us-east-1:1:parameter/p\\"}]}]"}}]}}}',
    b'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
]
EDGE_YAML = [
    b"", b"---", b"a: &x 1\nb: *x\n", b"!Ref X", b"a: !Sub '${AWS::Region}'\n", b"- [a, {b: c}]\n",
    b"a:\n  - b\n  -\n", b"? a\n: b\n", b"a: |\n  x\n  y\n", b"a: >-\n  x\n", b"%YAML 1.2\n---\na: 1\n...\n",
    b"a: 1\na: 2\n", b"\xef\xbb\xbfa: 1\n", b"a: 'x''y'\nb: \"\\u00e9\\x41\"\n", b"&a [*a]\n", b"a: *nope\n",
    b"[" * 600 + b"]" * 600, b"- " * 600 + b"x\n", b"a: !GetAtt X.Arn\nb: !If [c, !Ref y, !Ref AWS::NoValue]\n",
    b"Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n        - Name: a\n          Image: !Sub '${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/x'\n",
]


def write(target: str, data: bytes) -> None:
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def inputs():
    for base in ("fixtures", "examples"):
        for p in sorted((ROOT / base).rglob("*")):
            if p.is_file() and p.suffix in (".json", ".yaml", ".yml", ".template") and p.stat().st_size <= MAX:
                yield p


def main() -> None:
    for p in inputs():
        data = p.read_bytes()
        if p.suffix == ".json":
            write("json", data)
            if b'"format_version"' in data or b"container_definitions" in data:
                write("terraform_plan", data)
        else:
            write("yaml", data)
        write("check", data)
    for e in EDGE_JSON:
        write("json", e)
        write("yaml", e)
        write("check", e)
        write("terraform_plan", e)
    for e in EDGE_YAML:
        write("yaml", e)
        write("check", e)
    # Fixture cases as one input: the inputs, then the policy file last (NUL-separated),
    # or an empty last part when the case has no policy file.
    for case in sorted((ROOT / "fixtures").rglob("case.toml")):
        d = case.parent
        meta = tomllib.loads(case.read_text())
        policies = [d / p for p in meta.get("policy", [])]
        files = [p for p in sorted(d.iterdir()) if p.suffix in (".json", ".yaml", ".yml") and p not in policies]
        if not files or len(files) > 3 or len(policies) > 1:
            continue
        parts = [p.read_bytes() for p in files]
        parts.append(policies[0].read_bytes() if policies else b"")
        data = b"\0".join(parts)
        if len(data) <= MAX:
            write("check", data)


if __name__ == "__main__":
    main()
