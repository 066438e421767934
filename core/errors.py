"""The one domain exception of Simpul: raised by services, mapped to a 4xx once per interface."""


class SimpulError(Exception):
    """A rule of the domain was broken; `message` is shown to the user (Indonesian).

    `field` names the input at fault when there is one; `status` is the HTTP status the API
    answers with (400 bad input, 403 not allowed, 404 not found, 409 conflict with state).
    """

    status = 400

    def __init__(self, message: str, *, field: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status

    def as_dict(self) -> dict:
        if self.field:
            return {self.field: [self.message]}
        return {"detail": self.message}


class NotFound(SimpulError):
    status = 404


class Conflict(SimpulError):
    status = 409


class Forbidden(SimpulError):
    status = 403
