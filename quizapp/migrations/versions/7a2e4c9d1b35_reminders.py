"""reminders: the organiser's message per quiz, reminders marked sent, and their unit counters

Revision ID: 7a2e4c9d1b35
Revises: 7c2e5b1a9d40
"""
import sqlalchemy as sa
from alembic import op

revision = "7a2e4c9d1b35"
down_revision = "7c2e5b1a9d40"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("quiz") as batch:
        batch.add_column(sa.Column("reminder_template", sa.Text(), nullable=True))
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("quiz_id", sa.Integer(), sa.ForeignKey("quiz.id"), nullable=False),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("member.id"), nullable=False),
        sa.Column("reminded_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("reminded_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_reminder_quiz_member", "reminder", ["quiz_id", "member_id"])
    op.create_table(
        "reminder_state",
        sa.Column("quiz_id", sa.Integer(), sa.ForeignKey("quiz.id"), primary_key=True),
        sa.Column("member_id", sa.Integer(), sa.ForeignKey("member.id"), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_reminded_at", sa.DateTime(), nullable=False),
        sa.Column("last_reminded_at", sa.DateTime(), nullable=False),
        sa.Column("last_reminded_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column("counted_chapter_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=True),
        sa.Column("counted_took_part", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "unit_quiz_reminder",
        sa.Column("quiz_id", sa.Integer(), sa.ForeignKey("quiz.id"), primary_key=True),
        sa.Column("unit_id", sa.Integer(), sa.ForeignKey("unit.id"), primary_key=True),
        sa.Column("reminded", sa.Integer(), nullable=False),
        sa.Column("reminded_took_part", sa.Integer(), nullable=False),
    )


def downgrade():
    op.drop_table("unit_quiz_reminder")
    op.drop_table("reminder_state")
    op.drop_index("ix_reminder_quiz_member", table_name="reminder")
    op.drop_table("reminder")
    with op.batch_alter_table("quiz") as batch:
        batch.drop_column("reminder_template")
