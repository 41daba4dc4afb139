"""The project's own error types. Messages are written for the person who must act on them
(a secretary, an analyst): which file, which row, which column, what to do."""


class DataError(Exception):
    """Something about the data or the database that the user can fix or must know about."""


class AccessDenied(DataError):
    """The signed-in role may not see what it asked for."""
