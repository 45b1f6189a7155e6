"""The header's search box and its results page: students, groups and disciplines in the user's
scope, matched by portal.text's rule."""
