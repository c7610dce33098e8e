#!/usr/bin/env bash
# Sourced by .ci/run: puts a Node.js of at least the .nvmrc major on PATH, and defines
# node_package_dir for other majors (.ci/run's Node.js 24 pass).
# When the machine's Node is older, the official binary comes from the npm registry
# (package node-linux-<arch>), which CI can always reach, and is cached under .ci/cache/.

# Prints the folder (with bin/node) of the official Node.js <major> build, fetching it once.
node_package_dir() {
  local major=$1 arch dir tmp
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "ensure-node: no Node.js package for $(uname -m); install Node.js $major+ yourself" >&2; return 1 ;;
  esac
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/cache/node-$major-$arch"
  if [ ! -x "$dir/bin/node" ]; then
    echo "ensure-node: fetching node-linux-$arch@$major from the npm registry" >&2
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-$arch@$major" >/dev/null) || { rm -rf "$tmp"; return 1; }
    mkdir -p "$dir"
    tar xzf "$tmp"/node-linux-*.tgz -C "$dir" --strip-components=1 || { rm -rf "$tmp" "$dir"; return 1; }
    rm -rf "$tmp"
  fi
  echo "$dir"
}

want=$(tr -dc '0-9' < "$(dirname "${BASH_SOURCE[0]}")/../.nvmrc")
have=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$have" -lt "$want" ]; then
  echo "ensure-node: Node.js $have is older than $want" >&2
  dir=$(node_package_dir "$want") || return 1
  export PATH="$dir/bin:$PATH"
  # The official binary trusts only its bundled CAs, unlike a distribution's Node; behind a
  # TLS-inspecting proxy npm would then fail. Trust the system bundle too, unless told otherwise.
  if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r /etc/ssl/certs/ca-certificates.crt ]; then
    export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
  fi
fi
echo "ensure-node: using Node.js $(node --version)" >&2
