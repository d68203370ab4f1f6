#!/bin/bash
# A shell stand-in for fastnetstat's --all-netns and --netns (text only, no -c, no labels but
# the /run/netns name), made of nsenter and netstat: run the suite with
#   FASTNETSTAT_BIN=$PWD/tests/containers/reference.sh CT_FILTER=... vitest run tests/containers
# to check the harness itself (its blocks, comparisons and clean-up), as the oracle's
# FASTNETSTAT_BIN=/usr/bin/netstat does. Also what an operator loops over by hand today.
args=() mode= spec=
while [ $# -gt 0 ]; do
  case "$1" in
    --host-root) shift ;;
    --all-netns) mode=all ;;
    --netns) mode=one; shift; spec=$1 ;;
    *) args+=("$1") ;;
  esac
  shift
done
[ -z "$mode" ] && exec netstat "${args[@]}"
for a in "${args[@]}"; do # -c would leave a netstat running per namespace after the test stops this
  case "$a" in --continuous | -[!-]*c*) echo "reference.sh: no -c" >&2; exit 2 ;; esac
done
if [ "$mode" = one ]; then
  case "$spec" in
    pid:*) p=/proc/${spec#pid:}/ns/net ;;
    /*) p=$spec ;;
    *) p=/run/netns/$spec ;;
  esac
  if [ -z "$spec" ] || ! nsenter --net="$p" true 2>/dev/null; then
    echo "fastnetstat: --netns '$spec': not a network namespace" >&2
    exit 1
  fi
  exec nsenter --net="$p" netstat "${args[@]}"
fi
netstat "${args[@]}" >/dev/null 2>&1 </dev/null || { netstat "${args[@]}"; exit $?; } # option errors, once
own=$(stat -L -c %i /proc/self/ns/net)
declare -A where name
for f in /proc/[0-9]*/ns/net; do
  i=$(stat -L -c %i "$f" 2>/dev/null) || continue
  [ -n "${where[$i]}" ] || where[$i]=$f
done
while read -r _ _ _ root mp _; do
  case "$root" in net:\[*) ;; *) continue ;; esac
  mp=$(printf '%b' "$mp")
  i=${root#net:[}; i=${i%]}
  where[$i]=$mp
  case "$mp" in /run/netns/*) name[$i]=${mp#/run/netns/} ;; esac
done < <(grep ' - nsfs ' /proc/self/mountinfo)
first=1
for i in "$own" $(printf '%s\n' "${!where[@]}" | grep -vx "$own" | sort -n); do
  [ $first = 1 ] || echo
  first=0
  echo "Network namespace net:[$i]${name[$i]:+ (${name[$i]})}"
  nsenter --net="${where[$i]}" netstat "${args[@]}"
done
