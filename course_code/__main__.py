"""``python -m course_code ...`` and the ``course-code`` console script."""

from course_code.grading.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
