#!/usr/bin/env bash
# Fails when a module includes a public header of a module it does not link: the code's real
# dependency graph and CMake's must agree (docs/architecture.md). A module's links are read from
# the recon_module / recon_header_module calls in CMakeLists.txt, followed transitively; a module's
# files are src/<m>/**, include/recon/<m>/** and its unit tests tests/<m>/** (test_<m> links
# recon_<m> only). Run by ctest (test module_includes).
set -euo pipefail
cd "$(dirname "$0")/.."

# "name dep dep …" per module, from the (possibly multi-line) calls.
declare -A deps
while read -r name rest; do
  deps[$name]="$rest"
done < <(tr '\n' ' ' < CMakeLists.txt | grep -oE 'recon_(header_)?module\([a-z_]+[^)]*\)' |
         sed -E 's/^recon_(header_)?module\(//; s/\)$//; s/recon_//g; s/\$\{[A-Z_]+\}//g; s/[A-Za-z0-9_]+::[A-Za-z0-9_:]+//g')

# Every module a module links, directly or through another.
closure() {
  local -A seen=()
  local todo=("$1") m d
  while ((${#todo[@]})); do
    m=${todo[0]}; todo=("${todo[@]:1}")
    for d in ${deps[$m]:-}; do
      [[ -n ${deps[$d]+x} && -z ${seen[$d]:-} ]] || continue
      seen[$d]=1; todo+=("$d")
    done
  done
  echo "${!seen[@]}"
}

bad=0
for m in "${!deps[@]}"; do
  allowed=" $m $(closure "$m") generated "
  while IFS=: read -r file line used; do
    if [[ $allowed != *" $used "* ]]; then
      echo "$file:$line: module $m includes recon/$used/… but does not link recon_$used;" \
           "add recon_$used to its recon_module(...) line in CMakeLists.txt, or move the type to a module it links"
      bad=1
    fi
  done < <(grep -rnoE '#include "recon/[a-z_]+/' "src/$m" "include/recon/$m" "tests/$m" 2>/dev/null |
           sed -E 's|^([^:]+):([0-9]+):#include "recon/([a-z_]+)/$|\1:\2:\3|')
done
if ((bad)); then exit 1; fi
echo "module includes: every module links what it includes (${#deps[@]} modules)"
