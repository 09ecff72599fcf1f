#!/usr/bin/env bash
# quiver's client verbs in a JVM made to start fast (bin/quiver chose the JDK and built Quiver). The AOT cache holds
# the classes a training run loaded, linked and ready; it is written once per build, beside the jar it belongs to,
# and a JDK refuses a cache made for other jars, so a stale one costs only its speed.
set -euo pipefail
home=$QUIVER_HOME

# The daemon runs the verb (vppctl's way; docs/control-plane.md, "A fast CLI"): its JVM is warm, and curl is the whole
# client. Returns when the daemon cannot or will not (not running, an older daemon, a verb that streams or acts on this
# host): then this script goes on to run the verb in a JVM of its own, which also says what went wrong.
in_daemon() {
  command -v curl >/dev/null 2>&1 || return 0
  local api=${QUIVER_API:-http://127.0.0.1:9696} token=${QUIVER_TOKEN:-} file=${QUIVER_TOKEN_FILE:-} previous= a status reply
  for a in "$@"; do
    case "$previous" in --api) api=$a ;; --token) token=$a ;; --token-file) file=$a ;; esac
    case "$a" in --api=*) api=${a#--api=} ;; --token=*) token=${a#--token=} ;; --token-file=*) file=${a#--token-file=} ;; esac
    previous=$a
  done
  # with no token given, the service's own for a daemon on this host (ApiTokenFile.forClient)
  if [ -z "$token" ] && [ -z "$file" ] && [ -r /etc/quiver/api.token ]; then
    case "$api" in http://127.*|http://localhost[:/]*|http://localhost|http://\[::1\]*) file=/etc/quiver/api.token ;; esac
  fi
  if [ -z "$token" ] && [ -n "$file" ]; then
    # the JVM's reading (ApiTokenFile.read): the first line, blanks stripped; a file it cannot read is the JVM's to report
    { IFS= read -r token <"$file"; } 2>/dev/null || [ -n "$token" ] || return 0
    token=${token#"${token%%[![:space:]]*}"}
    token=${token%"${token##*[![:space:]]}"}
  fi
  reply=$(mktemp "${TMPDIR:-/tmp}/quiver-cli.XXXXXX") || return 0 # never a name another user could have placed
  # the token as a header read from a pipe: on curl's command line, any user could read it in /proc
  local auth=()
  [ -z "$token" ] || auth=(-H "@/dev/fd/3")
  status=$(printf '%s\0' "$@" | curl -s -m 60 -o "$reply" -w '%{http_code} %header{x-quiver-exit}' "${auth[@]}" \
    -H 'Content-Type: application/octet-stream' --data-binary @- "${api%/}/v1/cli" 2>/dev/null \
    3< <(printf 'Authorization: Bearer %s\n' "$token")) || status=
  if [ "${status%% *}" != 200 ] || [ -z "${status#* }" ]; then
    rm -f "$reply"
    return 0
  fi
  local out= err=
  { IFS= read -r -d '' out || true; IFS= read -r -d '' err || true; } <"$reply"
  rm -f "$reply"
  printf '%s' "$out"
  printf '%s' "$err" >&2
  exit "${status#* }"
}
case "${1:-}" in
  show-*|create-*|delete-*|set-*|add-*|remove-*|modify-*|trace) in_daemon "$@" ;;
esac

target=$home/control/target
jars=("$target"/quiver-control-*.jar)
jar=${jars[0]}
work=$target/cli

# picocli with its class files raised from Java 5 (which the AOT cache skips) to version 52; the original when the
# copy cannot be made (a read-only tree), which costs only speed
upgraded() {
  local out=$work/${1##*/}
  if { [ ! -f "$out" ] || [ "$1" -nt "$out" ]; } && mkdir -p "$work" 2>/dev/null && [ -w "$work" ]; then
    "$JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 "$home/bin/lib/ClassVersionUpgrade.java" "$1" "$out.$$" >/dev/null 2>&1 \
      && mv -f "$out.$$" "$out" 2>/dev/null
    rm -f "$out.$$" 2>/dev/null || true
  fi
  if [ -f "$out" ] && [ ! "$1" -nt "$out" ]; then echo "$out"; else echo "$1"; fi
}

# The client's class path: every jar but the daemon's own machinery, which no client verb loads and whose jars a
# start would open and check against the cache for nothing (85 jars cost 40 ms, measured). Leaving out by family
# rather than listing what the client needs keeps a new client dependency working without a change here.
cp=$jar
newest=$jar
for j in "$target"/lib/*.jar; do
  case "${j##*/}" in
    chronicle-*|netty-*|grpc-*|jetcd-*|vertx-*|prometheus-*|proto*|guava-*|failureaccess-*|listenablefuture-*) continue ;;
    jnr-*|jffi-*|jna-*|affinity-*|posix-*|compiler-*|disruptor-*|HdrHistogram-*|perfmark-*|failsafe-*) continue ;;
    asm-*|javapoet-*|picocli-codegen-*|uplot-*|annotations-*|checker-qual-*|javax.annotation-*) continue ;;
    picocli-[0-9]*) j=$(upgraded "$j"); cp+=":$j"; [ "$j" -nt "$newest" ] && newest=$j ;;
    *) cp+=":$j" ;;
  esac
done

cache=$target/quiver-cli.aot
flags=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xss4m -Dquiver.home="$home")
if { [ ! -f "$cache" ] || [ "$newest" -nt "$cache" ]; } && [ -w "$target" ]; then
  # training: the verbs' parsing and help, JSON and the HTTP client's way to a daemon (none answers: its error path);
  # written aside and moved in whole, so a verb run meanwhile never reads half a cache
  if "$JAVA_HOME/bin/java" "${flags[@]}" -XX:AOTCacheOutput="$cache.$$" -Xlog:aot=off -Xlog:cds=off -cp "$cp" \
       io.quiver.control.cli.CliTraining >/dev/null 2>&1; then
    mv -f "$cache.$$" "$cache" 2>/dev/null || true
  fi
  rm -f "$cache.$$" 2>/dev/null || true
fi
if [ -f "$cache" ] && [ ! "$newest" -nt "$cache" ]; then
  flags+=(-XX:AOTCache="$cache" -Xlog:aot=off -Xlog:cds=off)
fi
# The top-level help is the same text for every run of one build: written by the build's own picocli once (as the AOT
# cache is), then printed without a JVM
help=$work/help.txt
if [ $# -eq 1 ] && { [ "$1" = --help ] || [ "$1" = -h ] || [ "$1" = help ]; }; then
  if { [ ! -f "$help" ] || [ "$newest" -nt "$help" ]; } && mkdir -p "$work" 2>/dev/null && [ -w "$work" ]; then
    "$JAVA_HOME/bin/java" "${flags[@]}" -cp "$cp" io.quiver.control.cli.QuiverCli --help >"$help.$$" 2>/dev/null \
      && mv -f "$help.$$" "$help"
    rm -f "$help.$$" 2>/dev/null || true
  fi
  if [ -f "$help" ] && [ ! "$newest" -nt "$help" ]; then
    exec cat "$help"
  fi
fi
exec "$JAVA_HOME/bin/java" "${flags[@]}" -cp "$cp" io.quiver.control.cli.QuiverCli "$@"
