"""Tests of the exercise grader (course_code.grading)."""
