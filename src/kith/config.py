"""Settings: one object, read from the environment (prefix ``KITH_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me"  # noqa: S105 - the documented placeholder, refused outside dev


class Settings(BaseSettings):
    """Every tunable number of the domain lives here, with its documented default."""

    model_config = SettingsConfigDict(env_prefix="KITH_", env_file=".env", extra="ignore")

    env: Literal["dev", "test", "production"] = "dev"
    database_url: str = "sqlite:///./var/kith.db"
    secret_key: str = PLACEHOLDER_SECRET
    base_url: str = "http://127.0.0.1:8000"
    data_dir: Path = Path("./var")
    community_name: str = "Kith"

    # Accounts
    password_min_length: int = 8
    # argon2id cost (argon2-cffi's defaults); hashes made with another cost are
    # upgraded at the next sign-in.
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65536, ge=8)
    argon2_parallelism: int = Field(default=4, ge=1)
    session_days: int = 30
    token_days: int = 90
    signin_max_failures: int = 10
    signin_window_minutes: int = 15

    # Invitations and connections
    invitation_note_max: int = 300
    invitation_context_max: int = 120
    invitations_per_week: int = 100
    invitation_window_days: int = 7
    withdraw_cooldown_days: int = 21
    invitation_expiry_days: int = 180
    max_connections: int = 30_000
    unknown_reports_threshold: int = 5
    unknown_reports_window_days: int = 30
    restriction_days: int = 30

    # Blocks
    reblock_wait_hours: int = 48

    # Lists
    page_size: int = 20
    max_page_size: int = 100

    # People search (docs/search.md)
    search_max_matches: int = Field(default=1_000, ge=100)  # best text matches kept
    search_text_weight: float = Field(default=1.5, ge=0)  # text relevance vs proximity
    search_typeahead_limit: int = Field(default=8, ge=1, le=50)

    # People you may know
    suggestion_count: int = Field(default=12, ge=1, le=100)  # shown at once
    suggestion_candidates: int = Field(default=200, ge=10)  # 2nd-degree candidates scored
    suggestion_fade_after: int = Field(default=5, ge=1)  # showings without action
    suggestion_impression_minutes: int = Field(default=60, ge=0)  # one showing per window

    # Network engine
    network_snapshot: Path | None = None
    network_poll_seconds: float = Field(default=0.25, gt=0)

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.env != "dev" and (
            self.secret_key == PLACEHOLDER_SECRET or len(self.secret_key) < 32
        ):
            raise ValueError(
                "KITH_SECRET_KEY must be set to a random value of at least 32 characters "
                f"outside dev mode (KITH_ENV={self.env}) (for example: python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))')"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
