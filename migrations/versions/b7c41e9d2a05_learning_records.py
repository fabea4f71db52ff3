"""learning records: chapters done, quizzes in revisions, attempts, certificates,
assignments with rubrics, submissions and peer assessments

Revision ID: b7c41e9d2a05
Revises: b7c41e9d2f55
Create Date: 2026-12-01 13:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7c41e9d2a05'
down_revision = 'b7c41e9d2f55'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('passing_grade', sa.Integer(), server_default='70', nullable=False))
        batch_op.create_check_constraint('passing_grade_range', 'passing_grade BETWEEN 1 AND 100')
    with op.batch_alter_table('exercises', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_attempts', sa.Integer(), server_default='3', nullable=True))
        batch_op.add_column(sa.Column('retry_wait_hours', sa.Integer(), server_default='24', nullable=False))
        batch_op.add_column(sa.Column('published_revision', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('instructions_en', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('instructions_fr', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('reviews_required', sa.Integer(), server_default='3', nullable=False))
        batch_op.add_column(sa.Column('peer_wait_days', sa.Integer(), server_default='7', nullable=False))

    op.create_table(
        'chapter_completions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('chapter_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=False),
        sa.Column('completed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_chapter_completions_user_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['chapter_id'], ['chapters.id'], name=op.f('fk_chapter_completions_chapter_id_chapters'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_chapter_completions_course_id_courses'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_chapter_completions')),
        sa.UniqueConstraint('user_id', 'chapter_id', name=op.f('uq_chapter_completions_user_id')),
    )
    op.create_index('ix_chapter_completions_user_course', 'chapter_completions', ['user_id', 'course_id'])

    op.create_table(
        'quiz_revisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('exercise_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['exercise_id'], ['exercises.id'], name=op.f('fk_quiz_revisions_exercise_id_exercises'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_revisions')),
        sa.UniqueConstraint('exercise_id', 'number', name=op.f('uq_quiz_revisions_exercise_id')),
    )
    op.create_table(
        'quiz_questions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('revision_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('single', 'multiple', 'text', 'number', name='questionkind', native_enum=False, length=16), nullable=False),
        sa.Column('points', sa.Integer(), nullable=False),
        sa.Column('prompt_en', sa.Text(), nullable=False),
        sa.Column('prompt_fr', sa.Text(), nullable=False),
        sa.Column('feedback_en', sa.Text(), nullable=False),
        sa.Column('feedback_fr', sa.Text(), nullable=False),
        sa.Column('accepted', sa.Text(), nullable=False),
        sa.Column('number_answer', sa.Numeric(precision=18, scale=6), nullable=True),
        sa.Column('tolerance', sa.Numeric(precision=18, scale=6), nullable=False),
        sa.CheckConstraint('points > 0', name=op.f('ck_quiz_questions_points_positive')),
        sa.CheckConstraint('tolerance >= 0', name=op.f('ck_quiz_questions_tolerance_not_negative')),
        sa.ForeignKeyConstraint(['revision_id'], ['quiz_revisions.id'], name=op.f('fk_quiz_questions_revision_id_quiz_revisions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_questions')),
        sa.UniqueConstraint('revision_id', 'position', name=op.f('uq_quiz_questions_revision_id')),
    )
    op.create_table(
        'quiz_options',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('label_en', sa.Text(), nullable=False),
        sa.Column('label_fr', sa.Text(), nullable=False),
        sa.Column('correct', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['question_id'], ['quiz_questions.id'], name=op.f('fk_quiz_options_question_id_quiz_questions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_options')),
        sa.UniqueConstraint('question_id', 'position', name=op.f('uq_quiz_options_question_id')),
    )
    op.create_table(
        'quiz_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('exercise_id', sa.Integer(), nullable=False),
        sa.Column('revision_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('earned_milli', sa.Integer(), nullable=False),
        sa.Column('possible_milli', sa.Integer(), nullable=False),
        sa.Column('percent', sa.Integer(), nullable=False),
        sa.Column('pass_mark', sa.Integer(), nullable=False),
        sa.Column('passed', sa.Boolean(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('percent BETWEEN 0 AND 100', name=op.f('ck_quiz_attempts_percent_range')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_attempts_user_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['exercise_id'], ['exercises.id'], name=op.f('fk_quiz_attempts_exercise_id_exercises'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['revision_id'], ['quiz_revisions.id'], name=op.f('fk_quiz_attempts_revision_id_quiz_revisions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_attempts')),
        sa.UniqueConstraint('user_id', 'token', name=op.f('uq_quiz_attempts_user_id')),
    )
    op.create_index('ix_quiz_attempts_user_exercise', 'quiz_attempts', ['user_id', 'exercise_id'])
    op.create_table(
        'attempt_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('attempt_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('option_ids', sa.String(length=500), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('earned_milli', sa.Integer(), nullable=False),
        sa.Column('correct', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempts.id'], name=op.f('fk_attempt_answers_attempt_id_quiz_attempts'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['question_id'], ['quiz_questions.id'], name=op.f('fk_attempt_answers_question_id_quiz_questions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt_answers')),
        sa.UniqueConstraint('attempt_id', 'question_id', name=op.f('uq_attempt_answers_attempt_id')),
    )
    op.create_table(
        'certificates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=12), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('course_id', sa.Integer(), nullable=True),
        sa.Column('learner_name', sa.String(length=200), nullable=False),
        sa.Column('course_title_en', sa.String(length=200), nullable=False),
        sa.Column('course_title_fr', sa.String(length=200), nullable=False),
        sa.Column('grade', sa.Integer(), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_reason', sa.Text(), nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_certificates_user_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_certificates_course_id_courses'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_certificates_revoked_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
        sa.UniqueConstraint('code', name=op.f('uq_certificates_code')),
        sa.UniqueConstraint('user_id', 'course_id', name=op.f('uq_certificates_user_id')),
    )
    op.create_index(op.f('ix_certificates_user_id'), 'certificates', ['user_id'])
    op.create_table(
        'certificate_pdfs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('certificate_id', sa.Integer(), nullable=False),
        sa.Column('locale', sa.String(length=5), nullable=False),
        sa.Column('render_key', sa.String(length=32), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_certificate_pdfs_certificate_id_certificates'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_pdfs')),
        sa.UniqueConstraint('certificate_id', 'locale', name=op.f('uq_certificate_pdfs_certificate_id')),
    )

    op.create_table(
        'rubric_criteria',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('exercise_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('title_en', sa.Text(), nullable=False),
        sa.Column('title_fr', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['exercise_id'], ['exercises.id'], name=op.f('fk_rubric_criteria_exercise_id_exercises'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rubric_criteria')),
        sa.UniqueConstraint('exercise_id', 'position', name=op.f('uq_rubric_criteria_exercise_id')),
    )
    op.create_table(
        'rubric_levels',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('criterion_id', sa.Integer(), nullable=False),
        sa.Column('points', sa.Integer(), nullable=False),
        sa.Column('label_en', sa.Text(), nullable=False),
        sa.Column('label_fr', sa.Text(), nullable=False),
        sa.CheckConstraint('points >= 0', name=op.f('ck_rubric_levels_points_not_negative')),
        sa.ForeignKeyConstraint(['criterion_id'], ['rubric_criteria.id'], name=op.f('fk_rubric_levels_criterion_id_rubric_criteria'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rubric_levels')),
        sa.UniqueConstraint('criterion_id', 'points', name=op.f('uq_rubric_levels_criterion_id')),
    )
    op.create_table(
        'submissions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('exercise_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('link', sa.String(length=500), nullable=True),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('grade', sa.Integer(), nullable=True),
        sa.Column('graded_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('staff_grader_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['exercise_id'], ['exercises.id'], name=op.f('fk_submissions_exercise_id_exercises'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_submissions_user_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['staff_grader_id'], ['users.id'], name=op.f('fk_submissions_staff_grader_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_submissions')),
        sa.UniqueConstraint('exercise_id', 'user_id', name=op.f('uq_submissions_exercise_id')),
    )
    op.create_index(op.f('ix_submissions_user_id'), 'submissions', ['user_id'])
    op.create_table(
        'assessments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('assessor_id', sa.Integer(), nullable=False),
        sa.Column('exercise_id', sa.Integer(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reported_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('report_reason', sa.Text(), nullable=True),
        sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_assessments_submission_id_submissions'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['assessor_id'], ['users.id'], name=op.f('fk_assessments_assessor_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['exercise_id'], ['exercises.id'], name=op.f('fk_assessments_exercise_id_exercises'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assessments')),
        sa.UniqueConstraint('submission_id', 'assessor_id', name=op.f('uq_assessments_submission_id')),
    )
    op.create_table(
        'assessment_scores',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('criterion_id', sa.Integer(), nullable=False),
        sa.Column('level_id', sa.Integer(), nullable=False),
        sa.Column('points', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_assessment_scores_assessment_id_assessments'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['criterion_id'], ['rubric_criteria.id'], name=op.f('fk_assessment_scores_criterion_id_rubric_criteria'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['level_id'], ['rubric_levels.id'], name=op.f('fk_assessment_scores_level_id_rubric_levels'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_scores')),
        sa.UniqueConstraint('assessment_id', 'criterion_id', name=op.f('uq_assessment_scores_assessment_id')),
    )


def downgrade():
    op.drop_table('assessment_scores')
    op.drop_table('assessments')
    op.drop_index(op.f('ix_submissions_user_id'), table_name='submissions')
    op.drop_table('submissions')
    op.drop_table('rubric_levels')
    op.drop_table('rubric_criteria')
    op.drop_table('certificate_pdfs')
    op.drop_index(op.f('ix_certificates_user_id'), table_name='certificates')
    op.drop_table('certificates')
    op.drop_table('attempt_answers')
    op.drop_index('ix_quiz_attempts_user_exercise', table_name='quiz_attempts')
    op.drop_table('quiz_attempts')
    op.drop_table('quiz_options')
    op.drop_table('quiz_questions')
    op.drop_table('quiz_revisions')
    op.drop_index('ix_chapter_completions_user_course', table_name='chapter_completions')
    op.drop_table('chapter_completions')
    with op.batch_alter_table('exercises', schema=None) as batch_op:
        batch_op.drop_column('peer_wait_days')
        batch_op.drop_column('reviews_required')
        batch_op.drop_column('instructions_fr')
        batch_op.drop_column('instructions_en')
        batch_op.drop_column('published_revision')
        batch_op.drop_column('retry_wait_hours')
        batch_op.drop_column('max_attempts')
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_constraint('passing_grade_range', type_='check')
        batch_op.drop_column('passing_grade')
