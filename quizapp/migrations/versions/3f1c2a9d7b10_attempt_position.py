"""attempt.position: the question the member was last on, so "Làm tiếp" reopens there

Revision ID: 3f1c2a9d7b10
Revises: 5f1c2a9d7e30
"""
import sqlalchemy as sa
from alembic import op

revision = "3f1c2a9d7b10"
down_revision = "5f1c2a9d7e30"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attempt") as batch:
        batch.add_column(sa.Column("position", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("attempt") as batch:
        batch.drop_column("position")
