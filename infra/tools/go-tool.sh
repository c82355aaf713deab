#!/usr/bin/env bash
# Builds a pinned Go tool from the Go module proxy (the only place our machines can get it from)
# and caches the binary, so tests and scripts can call it without anything installed by hand.
#
#   go-tool.sh promtool     # Prometheus' promtool (check config / check rules / test rules)
#   go-tool.sh jaeger       # Jaeger v2 (all-in-one when given an OTLP + memory-store config)
#   go-tool.sh helm         # Helm v4 (helm lint / helm template of infra/helm/attribution)
#   go-tool.sh kubeconform  # checks rendered Kubernetes objects against JSON schemas
#   go-tool.sh --list       # the pinned tools and versions
#
# Prints the absolute path of the binary on stdout (one line; build progress goes to stderr).
# Idempotent: when infra/tools/.bin/<tool>-<version>/<tool> exists and was built from the pinned
# module version, it returns at once. Concurrent calls for the same tool wait on a lock and reuse
# the first build.
#
# Why not just `go install pkg@version`: Jaeger's go.mod carries a `replace` directive, and
# `go install pkg@version` refuses such modules ("contains one or more replace directives").
# So every tool is built from a tiny wrapper module that requires the pinned version and copies
# the upstream module's version-to-version replace directives. The build list is the upstream
# module's own (minimal version selection over its requirements), so the result is the same
# binary `go install pkg@version` would produce for modules without replaces.
#
# Environment:
#   GO_TOOLS_CACHE  Go module and build caches (default ${XDG_CACHE_HOME:-~/.cache}/attribution-go-tools);
#                   kept outside the repository so Jest's and ESLint's file crawlers never see it.
#   GO_TOOLS_BIN    where binaries go (default infra/tools/.bin, git-ignored).
#   GO_TOOL_NO_BUILD=1  only print the path of an already built tool; fail (exit 1) instead of
#                   building, for tests, which must not start a build (scripts/setup-test-tools.sh does).
#   GOPROXY, GOFLAGS are honoured; GOTOOLCHAIN defaults to local (no toolchain download).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# tool | module | package | version | extra -ldflags | build tags
# promtool: Prometheus' Go module is tagged v0.<3xx>.<patch> for Prometheus 3.<xx>.<patch>;
# v0.316.0 is Prometheus 3.16.0 (its go.mod needs Go >= 1.26.7).
# jaeger: the v2 binary lives in the module's v1.x tags; v1.76.0 is Jaeger v2.13.0.
# helm: Helm v4.3.2; the -X flag gives `helm version` its real version instead of "v4.3".
# kubeconform: without the -X flag `kubeconform -v` says "development".
# promtool's `remove_all_sd` is Prometheus' own build tag (plugins/plugin_*.go) that leaves out the
# cloud service-discovery plugins and their SDKs: a cold build took 235 s alone on 2 cores, where
# the full one was recorded at 404 s. Our scrape configs are static_configs only; a config that
# names a left-out SD type fails `promtool check config` loudly ("field ec2_sd_configs not found
# in type config.ScrapeConfig"), it does not pass silently.
TOOLS=(
  "promtool|github.com/prometheus/prometheus|github.com/prometheus/prometheus/cmd/promtool|v0.316.0|-X github.com/prometheus/common/version.Version=3.16.0 -X github.com/prometheus/common/version.Branch=HEAD -X github.com/prometheus/common/version.Revision=v0.316.0|remove_all_sd"
  "jaeger|github.com/jaegertracing/jaeger|github.com/jaegertracing/jaeger/cmd/jaeger|v1.76.0|"
  "helm|helm.sh/helm/v4|helm.sh/helm/v4/cmd/helm|v4.3.2|-X helm.sh/helm/v4/internal/version.version=v4.3.2"
  "kubeconform|github.com/yannh/kubeconform|github.com/yannh/kubeconform/cmd/kubeconform|v0.8.0|-X main.version=v0.8.0"
)

usage() {
  echo "usage: $0 <tool> | --list   (tools: $(for t in "${TOOLS[@]}"; do printf '%s ' "${t%%|*}"; done))" >&2
  exit 2
}

[[ $# -eq 1 ]] || usage
if [[ $1 == --list ]]; then
  for t in "${TOOLS[@]}"; do IFS='|' read -r n m _ v _ <<<"$t"; echo "$n $m@$v"; done
  exit 0
fi

TOOL="$1" MODULE="" PKG="" VERSION="" LDFLAGS="" TAGS=""
for t in "${TOOLS[@]}"; do
  IFS='|' read -r n m p v l g <<<"$t"
  if [[ $n == "$TOOL" ]]; then MODULE="$m" PKG="$p" VERSION="$v" LDFLAGS="$l" TAGS="$g"; fi
done
[[ -n $MODULE ]] || usage

CACHE="${GO_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/attribution-go-tools}"
BIN_ROOT="${GO_TOOLS_BIN:-$HERE/.bin}"
DEST_DIR="$BIN_ROOT/$TOOL-$VERSION"
BIN="$DEST_DIR/$TOOL"

# True when $BIN exists and its embedded build info names the pinned module version.
built_ok() {
  [[ -x $BIN ]] || return 1
  command -v go >/dev/null || return 0 # no Go to inspect with: trust the versioned path
  go version -m "$BIN" 2>/dev/null | awk -v m="$MODULE" -v v="$VERSION" \
    '($1 == "dep" || $1 == "mod") && $2 == m && $3 == v { found = 1 } END { exit !found }'
}

if built_ok; then
  echo "$BIN"
  exit 0
fi
if [[ -n ${GO_TOOL_NO_BUILD:-} ]]; then
  echo "go-tool.sh: $TOOL $VERSION is not built (GO_TOOL_NO_BUILD is set): run scripts/setup-test-tools.sh first" >&2
  exit 1
fi

command -v go >/dev/null || { echo "go-tool.sh: go not found on PATH (needed once to build $TOOL)" >&2; exit 1; }

mkdir -p "$CACHE" "$BIN_ROOT"
export GOPATH="$CACHE/gopath"
export GOMODCACHE="$CACHE/mod"
export GOCACHE="$CACHE/build"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export GOFLAGS="${GOFLAGS:-} -mod=mod"
export CGO_ENABLED="${CGO_ENABLED:-0}"
export GOWORK=off

exec 9>"$CACHE/$TOOL.lock"
flock 9
if built_ok; then # another process built it while we waited
  echo "$BIN"
  exit 0
fi

started=$SECONDS
echo "go-tool.sh: building $PKG@$VERSION with $(go env GOVERSION) (first build takes minutes; cached in $CACHE)" >&2

# The upstream go.mod: its `go` line (fail early if the local Go is too old) and its replaces.
upstream_mod="$(cd "$CACHE" && go mod download -json "$MODULE@$VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
[[ -f $upstream_mod ]] || { echo "go-tool.sh: could not download $MODULE@$VERSION's go.mod" >&2; exit 1; }
go_line="$(awk '$1 == "go" { print $2; exit }' "$upstream_mod")"
# Replaces pointing at another module version (not at a local path, which cannot apply here).
replaces="$(awk '
  /^replace[[:space:]]*\(/ { inblock = 1; next }
  inblock && /^\)/ { inblock = 0; next }
  inblock { line = $0 } !inblock && /^replace[[:space:]]/ { line = substr($0, 9) }
  line != "" { sub(/\/\/.*/, "", line); n = split(line, f); if (n > 0 && f[n] ~ /^v[0-9]/) print "replace " line; line = "" }
' "$upstream_mod")"

work="$CACHE/src/$TOOL-$VERSION"
rm -rf "$work"
mkdir -p "$work"
{
  echo "module attribution.local/go-tools/$TOOL"
  echo
  echo "go $go_line"
  echo
  echo "require $MODULE $VERSION"
  [[ -z $replaces ]] || printf '\n%s\n' "$replaces"
} >"$work/go.mod"

staging="$BIN_ROOT/.staging-$TOOL-$$"
rm -rf "$staging"
mkdir -p "$staging"
trap 'rm -rf "$staging"' EXIT
(
  cd "$work"
  go get "$PKG@$VERSION" >&2
  GOBIN="$staging" go install -trimpath -tags "$TAGS" -ldflags "-s -w $LDFLAGS" "$PKG" >&2
)
rm -rf "$DEST_DIR"
mv -T "$staging" "$DEST_DIR"
trap - EXIT
built_ok || { echo "go-tool.sh: built $BIN but its build info does not name $MODULE $VERSION" >&2; exit 1; }
echo "go-tool.sh: built $TOOL in $((SECONDS - started))s" >&2
echo "$BIN"
