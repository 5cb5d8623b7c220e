#!/usr/bin/env bash
# Installs ArgoCD itself into the namespace `argocd`, from its release's own manifest
# (manifests/install.yaml) fetched at install time: ArgoCD's manifests are never copied into this
# repository. The release comes from the Go module of that version (the module zip carries
# manifests/install.yaml and manifests/crds/), through Go's module proxy and checksum database,
# so it works wherever `go` can download modules. Then `helm install argocd platform/argocd`
# adds our AppProject and Applications.
#
#   platform/argocd/install-argocd.sh [--version v3.6.1] [--dry-run] [--print] [--wait]
#     --version  ArgoCD release (default: argocd.version of platform/argocd/values.yaml; the
#                bootstrap passes the environment's argocd.version)
#     --dry-run  fetch, then `kubectl apply --dry-run=server`: the cluster checks, nothing changes
#     --print    fetch and write the manifest to stdout; no cluster needed
#     --wait     wait until ArgoCD's Deployments and StatefulSet are rolled out (5 minutes)
#     --kubeconfig FILE, --context NAME   the cluster, as for kubectl (default: KUBECONFIG and
#                its current context)
# kubectl uses KUBECONFIG / the current context, as everywhere in the runbook. Idempotent: a
# second run applies the same objects (server-side apply) and changes nothing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
namespace=argocd
version=""
mode=apply
wait=false
kube=()

die() {
  echo "install-argocd: $1" >&2
  [[ $# -gt 1 ]] && echo "  fix: $2" >&2
  exit 1
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --version) [[ $# -ge 2 ]] || die "--version needs a value" "--version v3.6.1"; version="$2"; shift 2 ;;
    --version=*) version="${1#--version=}"; shift ;;
    --dry-run) mode=dry-run; shift ;;
    --print) mode=print; shift ;;
    --wait) wait=true; shift ;;
    --kubeconfig | --context)
      [[ $# -ge 2 ]] || die "$1 needs a value"; kube+=("$1" "$2"); shift 2 ;;
    -h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1'" "see --help" ;;
  esac
done

if [[ -z "$version" ]]; then
  # The chart's own default: the one `version:` key of platform/argocd/values.yaml.
  version="$(sed -n 's/^  version: *"\{0,1\}\(v[0-9][^"]*\)"\{0,1\} *$/\1/p' "$here/values.yaml" | head -n 1)"
fi
[[ "$version" =~ ^v([0-9]+)\.[0-9]+\.[0-9]+$ ]] ||
  die "'$version' is not an ArgoCD release" "--version vMAJOR.MINOR.PATCH, e.g. v3.6.1"
major="${BASH_REMATCH[1]}"
(( major >= 2 )) || die "ArgoCD $version is older than v2, which this script does not support"
module="github.com/argoproj/argo-cd/v$major"

command -v go >/dev/null || die "go is not on PATH" "install Go; ArgoCD's manifests come from its Go module"
command -v unzip >/dev/null || die "unzip is not on PATH" "apt-get install unzip"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "install-argocd: fetching ArgoCD $version ($module@$version) …" >&2
# Outside any module, and without switching Go toolchains: `go mod download` fetches and verifies
# the zip, then may complain that ArgoCD's go.mod wants a newer Go, which does not matter for
# reading a YAML file out of it. So the zip's presence decides, not the exit code.
info="$(cd "$work" && GOFLAGS=-mod=mod GOTOOLCHAIN=local go mod download -json "$module@$version" 2>"$work/go.err" || true)"
zip="$(printf '%s\n' "$info" | sed -n 's/^[[:space:]]*"Zip": "\(.*\)",\{0,1\}$/\1/p')"
if [[ -z "$zip" || ! -f "$zip" ]]; then
  err="$(printf '%s\n' "$info" | sed -n 's/^[[:space:]]*"Error": "\(.*\)",\{0,1\}$/\1/p')"
  die "could not download $module@$version: ${err:-$(cat "$work/go.err")}" \
    "check the version exists and that go can reach its module proxy (go env GOPROXY)"
fi
manifest="$work/install.yaml"
unzip -p "$zip" "$module@$version/manifests/install.yaml" >"$manifest" 2>/dev/null ||
  die "$zip has no manifests/install.yaml" "ArgoCD $version does not ship its install manifest in its module"
grep -q '^kind: CustomResourceDefinition' "$manifest" ||
  die "$module@$version's install.yaml holds no CRDs: not ArgoCD's install manifest"

if [[ "$mode" == print ]]; then
  cat "$manifest"
  exit 0
fi

command -v kubectl >/dev/null || die "kubectl is not on PATH" "install kubectl (lakehouse installs one into its cache)"
dry=()
[[ "$mode" == dry-run ]] && dry=(--dry-run=server)

echo "install-argocd: applying ArgoCD $version to namespace $namespace${dry:+ (dry run)} …" >&2
kubectl "${kube[@]}" create namespace "$namespace" --dry-run=client -o yaml | kubectl "${kube[@]}" apply "${dry[@]}" -f - >&2
# Server-side: the ApplicationSet CRD is larger than the annotation client-side apply keeps.
# --force-conflicts: this script owns these objects, also after an ArgoCD upgrade.
kubectl "${kube[@]}" apply "${dry[@]}" --server-side --force-conflicts --field-manager=lakehouse-install-argocd \
  -n "$namespace" -f "$manifest" >&2

if [[ "$wait" == true && "$mode" == apply ]]; then
  echo "install-argocd: waiting for ArgoCD's workloads …" >&2
  kubectl "${kube[@]}" -n "$namespace" rollout status statefulset/argocd-application-controller --timeout=300s >&2
  for d in $(kubectl "${kube[@]}" -n "$namespace" get deployments -o name); do
    kubectl "${kube[@]}" -n "$namespace" rollout status "$d" --timeout=300s >&2
  done
fi
echo "install-argocd: ArgoCD $version ${dry:+checked (dry run)}${dry:-installed} in namespace $namespace" >&2
echo "  next: helm install argocd platform/argocd -n $namespace -f env/<env>/helm-values.yaml" >&2
