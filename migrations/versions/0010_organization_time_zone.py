"""organizations: their own time zone

Revision ID: 0010
Revises: 0009

"Today" (a new case's opened-on date, "not in the future", answers and deadlines) is the organization's date. A
national network spans time zones; one deployment-wide zone (ADVOCASE_TIME_ZONE) put a California chapter a day
ahead after 9 pm. Null keeps the deployment's zone.
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organizations') as batch:
        batch.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('organizations') as batch:
        batch.drop_column('time_zone')
