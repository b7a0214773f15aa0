"""Connection-core fixtures."""

from tests.helpers import fast_passwords  # noqa: F401
