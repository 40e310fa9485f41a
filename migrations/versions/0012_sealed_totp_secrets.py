"""users: second-factor secrets sealed with the server's secret key

Revision ID: 0012
Revises: 0011

A TOTP secret stored as it is lets anyone holding a copy of the database (a backup, a replica, a dump) make a
member's codes. They are now sealed (Fernet, a key derived from ADVOCASE_SECRET_KEY: domain/security/sealing.py),
so the column holds ~140 characters instead of 32. The stored secrets are sealed here with the key of the
environment the migration runs in: run it with the deployment's ADVOCASE_SECRET_KEY set (`advocase serve` and
`advocase db upgrade` do). The downgrade opens them again with the same key.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


USERS = sa.table("users", sa.column("id"), sa.column("totp_secret", sa.String))


def _stored() -> list:
    return op.get_bind().execute(sa.select(USERS.c.id, USERS.c.totp_secret)
                                 .where(USERS.c.totp_secret.is_not(None))).all()


def _sealer():
    """The deployment's key. The development default is public: sealing real secrets with it (a migration job run
    without the deployment's environment) would lock every enrolled member out, so it is refused unless the
    environment says development or test explicitly."""
    import os

    from domain.config import DEFAULT_SECRET, Settings
    settings = Settings.from_env()
    if settings.secret_key == DEFAULT_SECRET and os.environ.get("ADVOCASE_ENV") not in ("development", "test"):
        raise RuntimeError("Second-factor secrets are stored: set ADVOCASE_SECRET_KEY to the deployment's key (or "
                           "ADVOCASE_ENV=development for a development database) before migrating; they are "
                           "sealed with it.")
    return settings.sealer("totp")


def _convert(rows, change) -> None:
    conn = op.get_bind()
    for user_id, secret in rows:
        conn.execute(USERS.update().where(USERS.c.id == user_id).values(totp_secret=change(secret)))


def upgrade() -> None:
    rows = _stored()
    sealer = _sealer() if rows else None  # a refusal comes before anything is changed
    with op.batch_alter_table('users') as batch:
        batch.alter_column('totp_secret', existing_type=sa.String(length=64), type_=sa.String(length=255))
    if rows:
        _convert(rows, sealer.seal)


def downgrade() -> None:
    rows = _stored()
    if rows:
        _convert(rows, _sealer().open)  # before the column narrows back
    with op.batch_alter_table('users') as batch:
        batch.alter_column('totp_secret', existing_type=sa.String(length=255), type_=sa.String(length=64))
