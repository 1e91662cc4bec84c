#!/usr/bin/env bash
# The Debian packages 'make test' needs beyond Python, installed in one apt-get run when missing (a fresh CI machine),
# or named with the reason they are not installed (not root, no apt-get): the tests that need them then skip with
# that reason, and with CI=true they fail instead (each suite's conftest says so).
#
#   what it is for                  | present when                                        | Debian packages
#   the Openness bridge tests       | mcs (Mono's C# compiler; ~50 s to install)           | mono-devel libmono-2.0-1
#   the source-control CLI checks   | git (the server itself needs none: pygit2 bundles it) | git
#   the farm tests (broker)         | redis-server (the tests start their own, never the   | redis-server
#                                   | system service)                                      |
#   the --db postgresql:// tests    | initdb (the tests start their own cluster)           | postgresql
#   the browser tests               | chromium and chromedriver (Selenium drives them)     | chromium chromium-driver
#   the shell completion tests      | zsh and fish (each shell reads its generated script) | zsh fish
#   the MQTT push tests             | mosquitto (the tests start their own broker, never   | mosquitto
#                                   | the system service)                                  |
set -u
missing=()
purposes=()
need() {  # need <present-check> <purpose> <packages...>
    local check=$1 purpose=$2
    shift 2
    if ! eval "$check" >/dev/null 2>&1; then
        missing+=("$@")
        purposes+=("$purpose")
    fi
}
need "command -v mcs" "the Openness bridge tests" mono-devel libmono-2.0-1
need "command -v git" "the source-control CLI checks" git
need "command -v redis-server" "the farm tests" redis-server
need "command -v initdb || ls /usr/lib/postgresql/*/bin/initdb" "the --db postgresql tests" postgresql
need "command -v chromium && command -v chromedriver" "the browser tests" chromium chromium-driver
need "command -v zsh && command -v fish" "the shell completion tests" zsh fish
need "command -v mosquitto || test -x /usr/sbin/mosquitto" "the MQTT push tests" mosquitto
[ ${#missing[@]} -eq 0 ] && exit 0
for_what=$(IFS=,; echo "${purposes[*]}" | sed 's/,/, /g')
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "make: not installing ${missing[*]} (not root or no apt-get); ${for_what} need: sudo apt-get install -y ${missing[*]}"
    exit 0
fi
echo "make: installing ${missing[*]} for ${for_what}"
DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
