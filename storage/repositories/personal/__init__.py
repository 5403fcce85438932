"""Reading everything the bot holds about one member (`/consortium my-data`): its own
folder because the repositories' folder is full."""

from storage.repositories.personal.holdings import Holdings, PersonalDataRepository

__all__ = ["Holdings", "PersonalDataRepository"]
