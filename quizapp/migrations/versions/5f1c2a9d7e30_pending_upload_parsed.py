"""pending upload keeps what its preview parsed

Revision ID: 5f1c2a9d7e30
Revises: ec548b8e1810
Create Date: 2026-12-02 01:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5f1c2a9d7e30'
down_revision = 'ec548b8e1810'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pending_upload', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parsed', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('pending_upload', schema=None) as batch_op:
        batch_op.drop_column('parsed')
