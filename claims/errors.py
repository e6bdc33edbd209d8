"""Domain errors: the refusals every layer raises and every door (browser, API, tasks) shows as they are.

Pure Python, below the services and the text core, so either may raise them."""


class InputRejected(Exception):
    """Input that the workbench refuses, with a message meant for the person who sent it.

    Raised before anything is stored, so a refused request leaves the database as it was.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class EditConflict(InputRejected):
    """Someone else saved the same object since this edit began; nothing was overwritten.

    `current` is the object as it now stands, so the person can see the other change.
    """

    def __init__(self, message: str, *, current):
        super().__init__(message)
        self.current = current


class TransitionNotAllowed(InputRejected):
    """A claim or verdict asked to move to a status its lifecycle does not allow from where it stands."""


class TransientError(Exception):
    """A failure that may clear by itself (a service restarting, a passing network fault), with a message
    meant for the person waiting: a background job that raises it is tried again later, with back-off,
    instead of failing at once (claims/services/retries.py says what else counts as transient)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
