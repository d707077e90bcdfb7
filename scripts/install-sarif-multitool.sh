#!/usr/bin/env bash
# Installs Microsoft's SARIF Multitool (a self-contained .NET program shipped on npm)
# into target/tools/sarif-multitool, where tests/sarif_validate.rs looks for it.
# Needs npm and the npm registry; the test skips with a message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=target/tools/sarif-multitool
mkdir -p "$dest"
npm install --prefix "$dest" --no-audit --no-fund --no-save @microsoft/sarif-multitool@5.7.0
# npm may not run the package's postinstall (`chmod u+x Sarif.Multitool`): do it here.
chmod u+x "$dest/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
"$dest/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" --version
