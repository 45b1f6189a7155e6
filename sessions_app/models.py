"""Exam sessions: admission, grades before and after АКЖ (issue 3)."""
