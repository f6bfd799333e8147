#!/usr/bin/env bash
# A guided tour of nir's main job on a throw-away training profile.
# Everything happens under a temporary NIR_HOME that is removed at the end, so your real
# profiles and stores are never touched. All people here are synthetic.
set -euo pipefail

NIR_HOME=$(mktemp -d)
export NIR_HOME NIR_PROFILE=training
trap 'rm -rf "$NIR_HOME"' EXIT
step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

step "1. A training profile for Trondheim (5001); test profiles accept synthetic numbers"
nir init --municipality 5001 --place "Trondheim voksenopplæring" --environment test

step "2. The test person: DUF 201212345603 with a synthetic fødselsnummer (month + 80)"
nir person add --duf 201212345603 --fnr 15819000066 --first-name Kari --last-name Nordmann \
    --residence-basis refugee --permit-date 2025-06-01 --settlement-date 2025-08-15 >/dev/null
nir person show 201212345603

step "3. What happened, each with its fact date"
nir -q register claim 201212345603 --date 2025-08-20 --scheme training >/dev/null
nir -q register decision 201212345603 --date 2025-09-10 --scheme training --outcome granted >/dev/null
nir -q register goal 201212345603 --date 2025-09-10 --scheme training --level B1 >/dev/null
nir -q register education 201212345603 --date 2025-09-10 --upper-secondary no >/dev/null
nir -q register start 201212345603 --date 2025-10-01 --scheme training >/dev/null
nir -q register hours 201212345603 --date 2026-01-31 --period 2026-01 \
    --norwegian-hours 42,5 --social-studies-hours 8 >/dev/null
nir -q register test-signup 201212345603 --date 2026-03-01 --test norskprove --test-date 2026-05-20 >/dev/null

step "4. A bulk import from the case system's CSV files (Norwegian headers, ';', 31.01.2026)"
here=$(cd "$(dirname "$0")" && pwd)
nir import "$here/deltakere.csv"
nir import "$here/registreringer.csv"
nir import "$here/timer-2026-01.csv" --kind hours
nir import "$here/registreringer.csv"    # again: nothing changes

step "5. The person's history: the two-month deadline and state of each registration"
nir history 201212345603

step "6. What is late and what is lacking, as of 1 March 2026"
nir overdue --as-of 2026-03-01 --within 14 | head -12
nir missing --as-of 2026-03-01 | head -12
nir status --as-of 2026-03-01

step "6b. A mistake corrected: the correction is a new version, never an overwrite"
id=$(nir history 201212345603 --format json | python3 -c 'import json,sys; print([r["id"] for r in json.load(sys.stdin) if r["kind"]=="hours"][0])')
nir -q registration edit "$id" --set norwegian-hours=40 >/dev/null
nir registration versions "$id"

step "7. Bad input is refused with a clear message and changes nothing"
nir register end 201212345603 --date 2025-09-01 --scheme training --reason completed || true
printf 'duf;dato;periode;norsktimer\n201212345603;28.02.2026;02.2026;-4\n' > "$NIR_HOME/bad.csv"
nir import "$NIR_HOME/bad.csv" --kind hours || true

step "Done. The tour's profile and store are removed now."
