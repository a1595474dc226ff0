#!/usr/bin/env bash
# Installs the Debian packages the host tests and the demo need: Dovecot's POP3 server (run by the tests with
# their own configuration, never as a system service), socat (pseudo-terminals for the emulator), openssl
# (the command-line tool that makes the test servers' TLS certificate) and chromium (the trace test renders the
# AT session's HTML page headless and checks the screenshot).
# Idempotent: when everything is present it only checks and exits. Needs root (or sudo) only when installing.
set -euo pipefail

fail() { echo "install-deps: $*" >&2; exit 1; }

have_dovecot() { [ -x /usr/sbin/dovecot ] || command -v dovecot >/dev/null 2>&1; }
need=()
have_dovecot || need+=(dovecot-core)
# the POP3 protocol plugin is a separate package; dovecot-core alone cannot serve POP3
if ! ls /usr/lib/dovecot/pop3 /usr/lib/dovecot/pop3-login >/dev/null 2>&1; then need+=(dovecot-pop3d); fi
command -v socat >/dev/null 2>&1 || need+=(socat)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
[ -x /usr/bin/chromium ] || need+=(chromium)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || fail "missing ${need[*]} and apt-get is not available; install them by hand"

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || fail "missing ${need[*]}; run this script as root (or install sudo)"
  SUDO=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold --no-install-recommends)

# never let the package start a system-wide Dovecot: tests run their own instance on a free loopback port
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$policy" >/dev/null
  "${SUDO[@]}" chmod 755 "$policy"
  made_policy=1
fi
cleanup() { if [ "$made_policy" = 1 ]; then "${SUDO[@]}" rm -f "$policy"; fi; }
trap cleanup EXIT

echo "install-deps: installing ${need[*]}"
# update the package lists only when the packages are not known yet (fresh machine or stale lists)
for pkg in "${need[@]}"; do
  if ! apt-cache show "$pkg" >/dev/null 2>&1; then
    "${SUDO[@]}" apt-get update -q >/dev/null || fail "apt-get update failed"
    break
  fi
done
if ! "${SUDO[@]}" apt-get install "${apt_opts[@]}" "${need[@]}" >/tmp/install-deps.$$.log 2>&1; then
  # the lists may be stale (404 on a superseded version): refresh once and retry
  "${SUDO[@]}" apt-get update -q >/dev/null || { cat /tmp/install-deps.$$.log >&2; fail "apt-get update failed"; }
  if ! "${SUDO[@]}" apt-get install "${apt_opts[@]}" "${need[@]}" >/tmp/install-deps.$$.log 2>&1; then
    cat /tmp/install-deps.$$.log >&2
    rm -f /tmp/install-deps.$$.log
    fail "apt-get install ${need[*]} failed"
  fi
fi
rm -f /tmp/install-deps.$$.log

# a system service may still have been started by a package script on machines with systemd: stop it
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet dovecot 2>/dev/null; then
  "${SUDO[@]}" systemctl stop dovecot || true
  "${SUDO[@]}" systemctl disable dovecot >/dev/null 2>&1 || true
fi

have_dovecot || fail "dovecot is still missing after installing"
[ -x /usr/lib/dovecot/pop3 ] || fail "the POP3 service binary /usr/lib/dovecot/pop3 is still missing"
command -v socat >/dev/null 2>&1 || fail "socat is still missing after installing"
command -v openssl >/dev/null 2>&1 || fail "openssl is still missing after installing"
[ -x /usr/bin/chromium ] || fail "chromium (/usr/bin/chromium) is still missing after installing"
dv=/usr/sbin/dovecot; [ -x "$dv" ] || dv=$(command -v dovecot)
echo "install-deps: done (dovecot $("$dv" --version | cut -d' ' -f1), $(socat -V 2>/dev/null | sed -n 's/^socat version \([^ ]*\).*/socat \1/p'), $(openssl version | cut -d' ' -f1-2), $(/usr/bin/chromium --version 2>/dev/null | cut -d' ' -f1-2))"
