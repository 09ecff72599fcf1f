#!/usr/bin/env bash
# quiver's client verbs in a JVM made to start fast (bin/quiver chose the JDK and built Quiver). The AOT cache holds
# the classes a training run loaded, linked and ready; it is written once per build, beside the jar it belongs to,
# and a JDK refuses a cache made for other jars, so a stale one costs only its speed.
set -euo pipefail
home=$QUIVER_HOME
jar=$(ls "$home/control/target/quiver-control-"*.jar | head -1)
cp="$jar:$home/control/target/lib/*"
cache=$home/control/target/quiver-cli.aot
flags=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData -Xss4m -Dquiver.home="$home")
if { [ ! -f "$cache" ] || [ "$jar" -nt "$cache" ]; } && [ -w "$(dirname "$cache")" ]; then
  # training: the verbs' parsing and help, JSON and the HTTP client's way to a daemon (none answers: its error path);
  # written aside and moved in whole, so a verb run meanwhile never reads half a cache
  if "$JAVA_HOME/bin/java" "${flags[@]}" -XX:AOTCacheOutput="$cache.$$" -Xlog:aot=off -Xlog:cds=off -cp "$cp" \
       io.quiver.control.cli.CliTraining >/dev/null 2>&1; then
    mv -f "$cache.$$" "$cache" 2>/dev/null || true
  fi
  rm -f "$cache.$$" 2>/dev/null || true
fi
if [ -f "$cache" ] && [ ! "$jar" -nt "$cache" ]; then
  flags+=(-XX:AOTCache="$cache" -Xlog:aot=off -Xlog:cds=off)
fi
exec "$JAVA_HOME/bin/java" "${flags[@]}" -cp "$cp" io.quiver.control.cli.QuiverCli "$@"
