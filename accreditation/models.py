"""Licences, accreditations and the seminars that prepare for them."""
