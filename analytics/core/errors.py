"""The project's own error types. Messages are written for the person who must act on them
(a secretary, an analyst): which file, which row, which column, what to do.

An error is raised with a catalog message, `DataError(msg("err.…", file=name))`: str(exc) is its Chinese
text, as the logs and tests read it, and the interface shows it in the reader's language
(ui.i18n.said). The message travels with the exception, also from a worker process (it pickles)."""

from words import Message


class DataError(Exception):
    """Something about the data or the database that the user can fix or must know about."""

    @property
    def message(self) -> Message | str:
        """What the error says: its catalog message, or its text when it was raised with plain text."""
        first = self.args[0] if len(self.args) == 1 else None
        return first if isinstance(first, Message) else str(self)


class AccessDenied(DataError):
    """The signed-in role may not see what it asked for."""
