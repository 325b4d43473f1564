"""Errors a user can cause."""


class UserError(Exception):
    """A problem with the user's input or config, explained in one sentence.

    Workflow jobs report it as that sentence, without a traceback: tracebacks are for bugs.
    """
