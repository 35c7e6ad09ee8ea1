# Sourced by ./keyroom and ./run-tests: prints the home of a JDK of version 21 or later.
# Looks at JAVA_HOME, the java on PATH, then the system's JVM directory (newest first).
find_jdk() {
  local candidates=() c v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for c in $(ls -d /usr/lib/jvm/* /opt/java/* "$HOME"/.jdks/* 2>/dev/null | sort -rV); do candidates+=("$c"); done
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/javac" ] || continue
    v=$("$c/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    if [ -n "$v" ] && [ "${v%%.*}" -ge 21 ] 2>/dev/null; then
      echo "$c"
      return 0
    fi
  done
  echo "keyroom: no JDK of version 21 or later found (looked at JAVA_HOME, PATH and /usr/lib/jvm); install one, e.g. Temurin 25" >&2
  return 1
}
