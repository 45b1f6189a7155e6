"""The demo university: loaders that fill a portal with a made-up Osh technological university
at the scale of the seed report (`manage.py seed_demo`, `manage.py demo_admin`). Nothing in the
portal's own apps imports this one; it imports them (tests/demo/test_isolation.py)."""
