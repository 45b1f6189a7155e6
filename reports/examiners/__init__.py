"""Examiners whose grades stand apart from what the same students earn in their other exams
(DOMAIN.md): the method (`method.py`), Student's t distribution it needs (`student_t.py`), the
page (`views.py`, `urls.py`, `tables.py`) and `manage.py examiner_report`."""
