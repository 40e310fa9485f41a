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


def _sealer():
    from domain.config import DEFAULT_SECRET, Settings
    settings = Settings.from_env()
    if settings.production and settings.secret_key == DEFAULT_SECRET:
        raise RuntimeError("Set ADVOCASE_SECRET_KEY to the deployment's key before migrating: the second-factor "
                           "secrets are sealed with it.")
    return settings.sealer("totp")


def _convert(change) -> None:
    users = sa.table("users", sa.column("id"), sa.column("totp_secret", sa.String))
    conn = op.get_bind()
    for user_id, secret in conn.execute(sa.select(users.c.id, users.c.totp_secret)
                                        .where(users.c.totp_secret.is_not(None))).all():
        conn.execute(users.update().where(users.c.id == user_id).values(totp_secret=change(secret)))


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.alter_column('totp_secret', existing_type=sa.String(length=64), type_=sa.String(length=255))
    sealer = _sealer()
    _convert(sealer.seal)


def downgrade() -> None:
    sealer = _sealer()
    _convert(sealer.open)
    with op.batch_alter_table('users') as batch:
        batch.alter_column('totp_secret', existing_type=sa.String(length=255), type_=sa.String(length=64))
