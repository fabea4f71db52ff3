class DomainError(Exception):
    """One or more rules were broken: `errors` holds every (field, message) at once, so a
    form shows all its problems together (`field` None: about the whole request).
    `field` and `message` are the first pair's."""

    def __init__(self, field: str | None, message: str, *more: tuple[str | None, str]):
        super().__init__(message)
        self.errors: list[tuple[str | None, str]] = [(field, message), *more]

    @classmethod
    def of(cls, errors: list[tuple[str | None, str]]) -> "DomainError":
        first, *rest = errors
        return cls(*first, *rest)

    @property
    def field(self) -> str | None:
        return self.errors[0][0]

    @property
    def message(self) -> str:
        return self.errors[0][1]
