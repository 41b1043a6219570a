"""contest and contest_round: quizzes grouped as rounds, with per-round prizes

Revision ID: 7c2e5b1a9d40
Revises: 3f1c2a9d7b10
"""
import sqlalchemy as sa
from alembic import op

revision = "7c2e5b1a9d40"
down_revision = "3f1c2a9d7b10"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "contest",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("audience_unit_id", sa.Integer(), sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("use_prediction", sa.Boolean(), nullable=False),
        sa.Column("use_time", sa.Boolean(), nullable=False),
        sa.Column("one_prize_per_contest", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_contest_audience_unit_id", "contest", ["audience_unit_id"])
    op.create_table(
        "contest_round",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contest_id", sa.Integer(), sa.ForeignKey("contest.id"), nullable=False),
        sa.Column("quiz_id", sa.Integer(), sa.ForeignKey("quiz.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(120), nullable=False),
        sa.Column("first_prizes", sa.Integer(), nullable=False),
        sa.Column("second_prizes", sa.Integer(), nullable=False),
        sa.Column("third_prizes", sa.Integer(), nullable=False),
        sa.Column("consolation_prizes", sa.Integer(), nullable=False),
        sa.Column("results_published_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("quiz_id"),
        sa.UniqueConstraint("contest_id", "position", name="uq_contest_round_position"),
    )
    op.create_index("ix_contest_round_contest_id", "contest_round", ["contest_id"])


def downgrade():
    op.drop_table("contest_round")
    op.drop_table("contest")
