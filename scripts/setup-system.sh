#!/bin/sh
# Install the Debian packages the document readers need (idempotent).
#
#   scripts/setup-system.sh              OCR: tesseract-ocr tesseract-ocr-vie poppler-utils;
#                                        PDF reports: fonts-liberation2 (Times-like, Vietnamese)
#                                        browser tests: chromium (Debian's, driven by Playwright)
#   WITH_LIBREOFFICE=1 scripts/setup-system.sh
#                                        also libreoffice-writer-nogui (legacy .doc/.odt and
#                                        rebuilding the test fixtures; ~260 MB, not needed
#                                        by the test suite)
#
# Does nothing and exits 0 when everything is present. Runs `apt-get update` once, only
# when something is missing. Needs root (or sudo) only in that case.
set -eu

packages="tesseract-ocr tesseract-ocr-vie poppler-utils fonts-liberation2 chromium"
if [ "${WITH_LIBREOFFICE:-0}" = "1" ]; then
    packages="$packages libreoffice-writer-nogui"
fi

missing=""
for pkg in $packages; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $pkg"
    fi
done

if [ -z "$missing" ]; then
    echo "setup-system: all present ($packages)"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    run=""
elif command -v sudo >/dev/null 2>&1; then
    run="sudo"
else
    echo "setup-system: missing:$missing; run as root: apt-get install$missing" >&2
    exit 1
fi

echo "setup-system: missing:$missing"
echo "setup-system: apt-get update"
$run env DEBIAN_FRONTEND=noninteractive apt-get update -qq
echo "setup-system: apt-get install$missing"
# shellcheck disable=SC2086  # word splitting of the package list is intended
$run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
echo "setup-system: done"
