"""Every number the tool runs by, in one place (constants, not user settings: those are the
profile's, in `config.py`)."""

from __future__ import annotations

# The registry's API: its paths start with /v1 (nir_cli.wire).
API_VERSION = "v1"

# The two-month registration rule (BRIEF 1.4): calendar months after the fact date.
REGISTRATION_DEADLINE_MONTHS = 2

# SQLite: how long a writer waits for another writer before giving up (ms).
STORE_BUSY_TIMEOUT_MS = 5_000

# How many close matches an "unknown municipality" error lists.
MUNICIPALITY_SUGGESTIONS = 5

# Permission bits of the data folder and the database files.
DATA_DIR_MODE = 0o700
DB_FILE_MODE = 0o600

# CSV import: rows handled per chunk (one query per chunk for persons and existing rows),
# problems listed before "and N more", and validation results remembered for repeated rows.
IMPORT_CHUNK_ROWS = 2_000
IMPORT_MAX_LISTED_PROBLEMS = 50
IMPORT_VALIDATION_CACHE = 8_192

# nir status: "due soon" means within this many days.
STATUS_DUE_DAYS = 14

# nir missing, window-ending: training windows that end within this many days are listed.
WINDOW_WARNING_DAYS = 90

# Talking to the registry.
HTTP_CONNECT_TIMEOUT = 5.0  # seconds
HTTP_READ_TIMEOUT = 60.0  # seconds; a 1000-record batch answers well within this
RETRY_ATTEMPTS = 5  # tries per request for connection errors, 429, 502-504
RETRY_BASE_DELAY = 0.5  # seconds, doubled per try, plus up to as much jitter
RETRY_MAX_DELAY = 8.0  # seconds between two tries at most
RETRY_AFTER_CAP = 30.0  # seconds: a longer Retry-After is cut to this
SYNC_BATCH_SIZE = 1000  # records per pushed batch: the most the registry takes in one
SYNC_IN_FLIGHT = 3  # batches sent and not yet answered
# While nir sync runs, the store's log is copied into the file every this many pages (16 MiB)
# rather than SQLite's 1000: a batch writes about 300, and each copy waits for two fsyncs.
SYNC_CHECKPOINT_PAGES = 4000
PULL_PAGE_SIZE = 500  # changes per pulled page
KEYRING_TIMEOUT = 3.0  # seconds before a hanging keyring is given up on

# Test results reach NIR from HK-dir's test system, not from the municipality: imported with
# `nir import --source hkdir` they are facts nir keeps and never sends (docs/import.md).
HKDIR = "hkdir"
