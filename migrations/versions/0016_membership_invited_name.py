"""memberships.invited_name: who an invitation is to, in the inviting organization's words

Revision ID: 0016
Revises: 0015

Staff accounts are shared by every organization a person belongs to. A pending invitation showed the account's own
display name, so an admin who invited an email address that already had an account elsewhere learned the name that
person uses in another organization (and a name typed by another organization's inviter). Until the person joins,
the organization now sees the name its own inviter typed (or, if none, the address's local part).

Existing pending invitations: an account that never set a password was created by an invitation, so its name is an
inviter's words and is kept; for an account with a password none is known (the address's local part is shown).
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("memberships", sa.Column("invited_name", sa.String(200), nullable=True))
    op.execute("""
        UPDATE memberships SET invited_name = (
            SELECT u.display_name FROM users u WHERE u.id = memberships.user_id AND u.password_hash IS NULL)
        WHERE joined_at IS NULL""")


def downgrade() -> None:
    op.drop_column("memberships", "invited_name")
