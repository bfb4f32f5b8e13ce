"""What the SQL target refuses."""


class SQLError(Exception):
    """A question that cannot be printed as SQL, or options that do not fit its input."""


class Unsupported(SQLError):
    """A plan operation the SQL target cannot compute exactly."""
