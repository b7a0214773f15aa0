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

    # Database and requests
    # A SQLite writer waits this long for the write lock, then the request is
    # answered 503 database_unavailable.
    database_busy_timeout_seconds: float = Field(default=30.0, gt=0)
    database_retry_after_seconds: int = Field(default=5, ge=1)  # Retry-After on a 503
    # Largest request body, in bytes, outside the upload routes (those take
    # import_max_mb); a larger body is refused with 413 body_too_large as it arrives.
    request_max_bytes: int = Field(default=1_048_576, ge=1024)
    # Send `Server-Timing: app;dur=<ms>` on every response (for profiling and the page
    # benchmark). Off by default: precise server times make timing differences
    # between outcomes that must look alike easier to measure.
    server_timing: bool = False

    # Operations (docs/operations.md)
    # The proxies whose X-Forwarded-For and X-Forwarded-Proto are believed: addresses or
    # networks, comma-separated ("10.0.0.0/8,127.0.0.1"), or "*" for any (only where
    # nothing but the proxy can reach the app). Others' forwarded headers are ignored.
    trusted_proxies: str = "127.0.0.1"
    # Logs: one JSON object per line ("json") or plain lines for a terminal ("text").
    log_format: Literal["json", "text"] = "json"
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    # /readyz answers 503 when this process last read the network outbox to its end
    # longer ago than this (its engine may be missing recent connections).
    ready_max_lag_seconds: float = Field(default=5.0, gt=0)

    # Accounts
    password_min_length: int = 8
    # argon2id cost (argon2-cffi's defaults); hashes made with another cost are
    # upgraded at the next sign-in.
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65536, ge=8)
    argon2_parallelism: int = Field(default=4, ge=1)
    # Password hashes in flight per process (each holds argon2_memory_kib), and how
    # long a sign-in waits for a turn before it is answered 503 signin_busy.
    argon2_max_in_flight: int = Field(default=4, ge=1)
    argon2_wait_seconds: float = Field(default=3.0, ge=0)
    session_days: int = 30
    token_days: int = 90
    # Sign-in throttling (kith.accounts.throttle), counted over signin_window_minutes:
    # failures on one account (from addresses it never signed in from) before growing
    # delays begin; failures on one account from one address before delays begin;
    # failures from one address on any account before that address waits out the
    # window. The first delay is signin_delay_seconds, doubling up to the window.
    signin_max_failures: int = Field(default=10, ge=1)
    signin_window_minutes: int = Field(default=15, ge=1)
    signin_pair_failures: int = Field(default=5, ge=1)
    signin_address_max_failures: int = Field(default=100, ge=1)
    signin_delay_seconds: int = Field(default=15, ge=1)
    signin_known_address_days: int = Field(default=90, ge=1)

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

    # Introductions (kith.introductions.service)
    introductions_per_week: int = Field(default=10, ge=0)  # requests per rolling window
    introduction_window_days: int = Field(default=7, ge=1)
    introduction_lapse_days: int = Field(default=30, ge=1)  # a request waits this long
    introduction_note_max: int = Field(default=1000, ge=1, le=1000)  # note to the intermediary

    # Groups (kith.groups.service)
    group_invitations_per_week: int = Field(default=100, ge=0)  # per inviter, rolling 7 days
    group_request_queue_max: int = Field(default=1000, ge=1)  # waiting requests per group
    group_approval_posts: int = Field(default=3, ge=1)  # new members' posts a manager approves
    group_questions_max: int = Field(default=3, ge=0, le=10)

    # Blocks
    reblock_wait_hours: int = 48

    # Messaging
    message_max: int = 5000  # characters in one message
    messages_per_hour: int = 60  # per sender, rolling hour
    message_requests_per_day: int = 20  # new message requests per sender, rolling day
    # Live updates (GET /messages/events, server-sent events)
    live_queue_size: int = Field(default=32, ge=1)  # events held per stream; more closes it
    live_streams_per_member: int = Field(default=5, ge=1)  # open streams (tabs) per member
    live_heartbeat_seconds: float = Field(default=15.0, gt=0)  # a comment line this often
    live_session_check_seconds: float = Field(default=30.0, gt=0)  # sign-out ends a stream
    # A stream ends after this long and the browser reconnects (0: never).
    live_stream_seconds: float = Field(default=900.0, ge=0)

    # Relationship management
    inner_circle_cadence_days: int = 30  # default tier "Inner circle"
    industry_experts_cadence_days: int = 90  # default tier "Industry experts"
    dormant_days: int = 365  # no interaction for this long: suggested for pruning
    new_position_days: int = 90  # a position started this recently is a "new job" moment
    snooze_days: int = 14  # "snooze" on the due-to-reconnect list
    follow_up_days: int = 30  # the prompt after connecting stays this long
    note_max: int = 2000  # characters in a private note
    max_tags: int = 200  # tags per owner
    max_tiers: int = 20  # tiers per owner

    # Portability (docs/portability.md)
    import_max_mb: int = Field(default=20, ge=1, le=200)  # largest upload, and file in a zip
    import_max_unpacked_mb: int = Field(default=100, ge=1, le=2000)  # unpacked from zips
    import_max_files: int = Field(default=1_000, ge=1)  # entries in one zip
    import_max_rows: int = Field(default=30_000, ge=1)  # people rows (LinkedIn's own cap)

    # Profile photos and cover images (kith.members.photos)
    photo_max_mb: int = Field(default=8, ge=1, le=50)  # largest upload
    photo_min_pixels: int = Field(default=100, ge=16, le=1000)  # smaller side of a photo

    # Posts (kith.posts.service)
    post_max_length: int = Field(default=3_000, ge=1, le=100_000)  # characters in a post
    post_max_images: int = Field(default=4, ge=0, le=10)  # images on one post

    # Endorsements (kith.endorsements): "Does Ana know Python?" prompts a member sees a day
    endorsement_prompts_per_day: int = Field(default=3, ge=0, le=50)
    endorsement_prompt_recent_days: int = Field(default=14, ge=1, le=365)  # after connecting
    # Written recommendations (kith.recommendations.service)
    recommendation_max_length: int = Field(default=3_000, ge=1, le=100_000)

    # Community settings (kith.community.settings): these seed them; an administrator's
    # change, kept in the database, wins from then on.
    join_mode: Literal["open", "domains", "invitation", "approval"] = "open"
    allowed_domains: str = ""  # for join_mode=domains: "example.org, example.com"
    members_may_invite: bool = False  # members invite colleagues by email
    public_profiles: bool = False  # signed-out visitors may see profiles
    sso_only: bool = False  # sign in through the identity provider only
    admin_two_factor_required: bool = False  # administrators must use two-factor sign-in

    # Two-factor sign-in (kith.accounts.two_factor)
    two_factor_max_failures: int = Field(default=5, ge=1)  # wrong codes, then a pause
    two_factor_window_minutes: int = Field(default=15, ge=1)  # ... of this long
    two_factor_pending_minutes: int = Field(default=5, ge=1)  # from password to code

    # Single sign-on with OpenID Connect (kith.accounts.oidc; docs/sso.md). Configured
    # when the issuer, client id and client secret are all set.
    oidc_issuer: str = ""  # e.g. https://login.example.org/realms/staff
    oidc_discovery_url: str = ""  # default: <issuer>/.well-known/openid-configuration
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_display_name: str = "your organization"  # "Sign in with <display name>"
    oidc_scopes: str = "openid email profile"
    oidc_timeout_seconds: float = Field(default=10.0, gt=0)  # each call to the provider

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

    # Onboarding and profile strength
    onboarding_suggestions: int = Field(default=5, ge=1)  # people shown on the last step
    profile_strength_connections: int = Field(default=10, ge=1)  # "a network" for the meter

    # Network engine
    network_snapshot: Path | None = None
    network_poll_seconds: float = Field(default=0.25, gt=0)

    # Post impressions (kith.posts.impressions): each process counts views in memory
    # and adds them to the stored counts every so many seconds or views, and at shutdown.
    impressions_flush_seconds: float = Field(default=30.0, gt=0, le=3600)
    impressions_flush_views: int = Field(default=1_000, ge=1)

    # Network insights
    # Community figures are recomputed in the background when the last result is
    # older than this (0: never in the background, only `kith insights community
    # --refresh` or the admin API).
    insights_refresh_minutes: int = Field(default=60, ge=0)
    insights_kept_results: int = Field(default=5, ge=1)  # older community results are deleted
    insights_barely_connected_max: int = Field(default=2, ge=0)  # "barely connected": 1..this
    insights_welcome_listed: int = Field(default=50, ge=1)
    insights_bridges_listed: int = Field(default=25, ge=1)
    insights_top_groups: int = Field(default=10, ge=2)  # companies/schools in the matrix
    insights_min_cohort: int = Field(default=10, ge=1)  # fewer members: no percentile
    insights_growth_months: int = Field(default=24, ge=1)
    insights_composition_shown: int = Field(default=8, ge=1)  # then "Other"
    insights_industry_share_low: float = Field(default=0.25, ge=0, le=1)
    insights_industry_share_high: float = Field(default=0.9, ge=0, le=1)
    insights_stalled_months: int = Field(default=6, ge=1)  # no new connection -> reconnect
    insights_prune_fraction: float = Field(default=0.9, gt=0, le=1)  # of max_connections
    insights_recent_days: int = Field(default=90, ge=1)  # "interacted with recently"
    insights_dormant_share_high: float = Field(default=0.5, gt=0, le=1)  # -> reconnect

    # Email (docs/email.md). Without KITH_SMTP_HOST mail is printed to the console.
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True  # STARTTLS after connecting (port 587)
    smtp_tls: bool = False  # TLS from the first byte (port 465); overrides STARTTLS
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    smtp_from: str = "Kith <kith@localhost>"
    # Run the mail worker and the digest inside the web process (None: only in dev).
    worker_in_process: bool | None = None
    mail_poll_seconds: float = Field(default=5.0, gt=0)  # the worker looks this often
    mail_batch: int = Field(default=50, ge=1, le=1000)  # mails claimed at once
    mail_claim_seconds: int = Field(default=300, ge=10)  # a claim lasts this long
    mail_retry_seconds: int = Field(default=30, ge=1)  # first retry; doubles each time
    mail_retry_max_seconds: int = Field(default=3600, ge=1)  # longest wait between tries
    mail_max_attempts: int = Field(default=48, ge=1)  # then the mail is marked failed
    verification_link_hours: int = Field(default=48, ge=1)
    reset_link_minutes: int = Field(default=60, ge=5)
    reset_requests_per_hour: int = Field(default=5, ge=1)  # per address; more are ignored
    away_minutes: int = Field(default=15, ge=1)  # unseen this long: messages by email
    message_mail_quiet_minutes: int = Field(default=60, ge=1)  # one mail per conversation
    digest_days: int = Field(default=7, ge=1)  # the digest's period
    digest_check_minutes: float = Field(default=10.0, gt=0)  # the worker looks this often

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
