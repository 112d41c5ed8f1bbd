#!/bin/sh
# Debian packages the app needs at run time (pango: WeasyPrint's PDF documents).
# Installed when run as root; otherwise one line names what to install, and the
# app still starts (only the PDF downloads say they are unavailable).
packages="libpango-1.0-0 libpangoft2-1.0-0"
command -v dpkg >/dev/null 2>&1 || exit 0
missing=""
for pkg in $packages; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== apt-get install$missing (PDF documents)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing; } >/dev/null \
        || echo "Could not install$missing; PDF documents need them: apt-get install$missing"
else
    echo "PDF documents need pango: sudo apt-get install$missing"
fi
exit 0
