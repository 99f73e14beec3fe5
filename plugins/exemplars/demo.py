"""Demo data (filled below)."""


def seed(password: str) -> None:
    return None
