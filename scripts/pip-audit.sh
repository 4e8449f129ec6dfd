#!/usr/bin/env sh
# Audit the installed dependencies for known vulnerabilities (pip-audit, PyPI's advisory
# data). pip-audit runs from its own virtualenv so that it does not audit itself.
# Exit 1 on a known vulnerability; a clear SKIP line and exit 0 when the advisory data
# cannot be reached (a machine that reaches only the package index, not its JSON API).
set -eu
cd "$(dirname "$0")/.."
AUDIT_VENV="${AUDIT_VENV:-.venv-audit}"
PIP_AUDIT_VERSION="2.10.1"
if ! "$AUDIT_VENV/bin/pip-audit" --version >/dev/null 2>&1; then
    python3 -m venv "$AUDIT_VENV"
    if ! "$AUDIT_VENV/bin/pip" install --quiet "pip-audit==$PIP_AUDIT_VERSION" 2>/dev/null; then
        echo "pip-audit: SKIP: pip-audit $PIP_AUDIT_VERSION could not be installed"
        exit 0
    fi
fi
requirements="$(mktemp)"
report="$(mktemp)"
trap 'rm -f "$requirements" "$report"' EXIT
.venv/bin/pip freeze --exclude-editable > "$requirements"
total="$(grep -c '==' "$requirements" || true)"
status=0
"$AUDIT_VENV/bin/pip-audit" --vulnerability-service pypi --progress-spinner off --no-deps \
    --disable-pip --requirement "$requirements" --format columns >"$report" 2>&1 || status=$?
unreachable="$(grep -c 'could not be audited' "$report" || true)"
if [ "$status" -ne 0 ] && ! grep -q 'could not be audited' "$report"; then
    cat "$report"
    echo "pip-audit: FAIL: known vulnerabilities (or an error) above"
    exit 1
fi
if grep -qE '^Name +Version +ID' "$report"; then
    cat "$report"
    echo "pip-audit: FAIL: known vulnerabilities above"
    exit 1
fi
if [ "$unreachable" -ge "$total" ]; then
    echo "pip-audit: SKIP: the advisory data (PyPI's JSON API) is not reachable from this" \
         "machine: 0 of $total packages audited"
    exit 0
fi
echo "pip-audit: OK: $((total - unreachable)) of $total packages audited, no known vulnerability"
