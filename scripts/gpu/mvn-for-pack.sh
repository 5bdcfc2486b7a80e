#!/usr/bin/env bash
# Maven for ../shared/device/pack.sh (MVN=scripts/gpu/mvn-for-pack.sh): pack.sh passes DEVICE_MVN_ARGS to a
# non-recursive (-N) call that fetches the JUnit console launcher too, where -pl/-am make Maven fail
# ("Could not find the selected project in the reactor"); this drops them from that call only.
args=() nonrecursive=0 skip=0
for a in "$@"; do [ "$a" = -N ] && nonrecursive=1; done
for a in "$@"; do
    if [ "$nonrecursive" = 1 ]; then
        if [ "$skip" = 1 ]; then skip=0; continue; fi
        case "$a" in -pl) skip=1; continue ;; -am) continue ;; esac
    fi
    args+=("$a")
done
exec "$(cd "$(dirname "$0")/../.." && pwd)/mvnw" "${args[@]}"
