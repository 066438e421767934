"""Wagtail admin wiring of the website app (the WordPress import lives in cms/wordpress/)."""

from .wordpress import wagtail_hooks as wordpress_hooks  # noqa: F401 - registers its hooks
