"""The tables of the run history (SQLAlchemy Core), as of the newest migration.

Timestamps are ISO 8601 strings in UTC (sortable as text on every backend);
lists and mappings are JSON text. Phone numbers appear only as keyed hash and
masked form (see ``hashing``); names only when the run was saved with
``keep_names``; CPR numbers never.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

#: Key/value facts about the database itself (the check value of the phone-hash key, which
#: itself lives outside the database: see ``store.key``).
meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("started_at", sa.String(40), nullable=False),
    sa.Column("finished_at", sa.String(40), nullable=False),
    sa.Column("generated_at", sa.String(40), nullable=False),
    sa.Column("roles", sa.Integer, nullable=False),
    sa.Column("roles_covered", sa.Integer, nullable=False),
    sa.Column("role_holders", sa.Integer, nullable=False),
    sa.Column("covered_holders", sa.Integer, nullable=False),
    sa.Column("direct_reach_holders", sa.Integer, nullable=False),
    sa.Column("coverage_pct", sa.Float, nullable=False),
    sa.Column("causes", sa.Text, nullable=False),  # JSON {code: holders}
    sa.Column("findings", sa.Text, nullable=False),  # JSON {code: count}
    sa.Column("sources", sa.Text, nullable=False),  # JSON [{kind, position, origin, ...}]
    sa.Column("names_kept", sa.Boolean, nullable=False),
    sa.Column("report_dir", sa.Text, nullable=False, server_default=""),  # migration 0002
)

run_inputs = sa.Table(
    "run_inputs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False, index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
)

run_holders = sa.Table(
    "run_holders",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False, index=True),
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("covered", sa.Boolean, nullable=False),
    sa.Column("cause", sa.String(40), nullable=False),  # "" when covered
    sa.Column("rule", sa.Text, nullable=False),
    sa.Column("responsible", sa.String(40), nullable=False),
    sa.Column("roles", sa.Text, nullable=False),  # JSON [role names]
    sa.Column("direct_hash", sa.String(64), nullable=False),
    sa.Column("mobile_hash", sa.String(64), nullable=False),
    sa.Column("direct_masked", sa.String(40), nullable=False),
    sa.Column("mobile_masked", sa.String(40), nullable=False),
    sa.Column("direct_findings", sa.Text, nullable=False),  # JSON [codes]
    sa.Column("mobile_findings", sa.Text, nullable=False),
)

#: Task step 3, with history: the latest row per user_id counts ('' = the whole task).
decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.Text, nullable=False, index=True),
    sa.Column("decision", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("decided_by", sa.Text, nullable=False),
    sa.Column("decided_at", sa.String(40), nullable=False),
)

#: Task steps marked by hand (step 5, "Markér opgaven som fuldført").
task_events = sa.Table(
    "task_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("step", sa.Integer, nullable=False),
    sa.Column("done_at", sa.String(40), nullable=False),
    sa.Column("done_by", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
)

#: Sent (or dry-run written) notifications: "never twice within N days" (migration 0002).
notifications = sa.Table(
    "notifications",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("recipient", sa.Text, nullable=False, index=True),  # casefolded e-mail address
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("run_id", sa.Integer, nullable=True),
    sa.Column("sent_at", sa.String(40), nullable=False),
    sa.Column("dry_run", sa.Boolean, nullable=False),
)

#: Local web accounts (migrations 0003 and 0004; rows read and written by ``store.accounts``).
web_users = sa.Table(
    "web_users",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("oidc_identity", sa.String(255), nullable=True, index=True, unique=True),
    sa.Column("oidc_subject", sa.String(255), nullable=True),
)

#: Signed-in web sessions by the hash of their id (migration 0006_web_sessions; read and written by
#: ``store.sessions``).
web_sessions = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column("user_name", sa.String(64), nullable=False, index=True),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("expires_at", sa.String(40), nullable=False),
)

#: Self-service links (migration 0007_selfservice; shape owned by ``telefonspor.store.selfservice``):
#: only the SHA-256 of the 128-bit token is kept. ``before`` holds the holder's numbers in the
#: authoritative source when the link was made, encrypted, for compare-before-write.
selfservice_tokens = sa.Table(
    "selfservice_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("user_id", sa.Text, nullable=False, index=True),
    sa.Column("run_id", sa.Integer, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("roles", sa.Text, nullable=False),  # JSON [role names]
    sa.Column("before", sa.Text, nullable=False),  # encrypted JSON {direct, mobile}
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("expires_at", sa.String(40), nullable=False),
    sa.Column("revoked_at", sa.String(40), nullable=True),
    sa.Column("used_at", sa.String(40), nullable=True),
)

#: What an employee sent through the link; the numbers encrypted, removed once applied/rejected.
selfservice_submissions = sa.Table(
    "selfservice_submissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("token_id", sa.Integer, sa.ForeignKey("selfservice_tokens.id"), nullable=False),
    sa.Column("user_id", sa.Text, nullable=False, index=True),
    sa.Column("run_id", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # "number" | "no_number"
    sa.Column("numbers", sa.Text, nullable=True),  # encrypted JSON {direct, mobile}; NULL once done
    sa.Column("direct_masked", sa.String(40), nullable=False),
    sa.Column("mobile_masked", sa.String(40), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column(
        "status", sa.String(16), nullable=False
    ),  # pending approved applied rejected conflict
    sa.Column("submitted_at", sa.String(40), nullable=False),
    sa.Column("decided_by", sa.Text, nullable=False),
    sa.Column("decided_at", sa.String(40), nullable=True),
    sa.Column("note", sa.Text, nullable=False),
)

#: Every write (and conflict) of a self-service number: who approved, when, masked old and new.
selfservice_writes = sa.Table(
    "selfservice_writes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("submission_id", sa.Integer, nullable=False, index=True),
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("field", sa.String(16), nullable=False),  # "direct" | "mobile"
    sa.Column("target", sa.String(40), nullable=False),  # "ad" | "os2sofd" | "fixfiles"
    sa.Column("old_masked", sa.String(40), nullable=False),
    sa.Column("new_masked", sa.String(40), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),  # written | conflict | fix_file | failed
    sa.Column("approved_by", sa.Text, nullable=False),
    sa.Column("approved_at", sa.String(40), nullable=False),
    sa.Column("applied_by", sa.Text, nullable=False),
    sa.Column("applied_at", sa.String(40), nullable=False),
)
