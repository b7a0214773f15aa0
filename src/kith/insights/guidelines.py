"""Published answers to "how many connections should I have?".

Two articles give career-stage ranges that disagree with each other (shown side by
side as guideline A and guideline B), and one gives average connection counts by
industry. They are published figures, not rules of this community, so they live
here as data rather than as settings.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Band:
    """A recommended range; ``high`` is ``None`` for an open range ("1,000+")."""

    label: str
    low: int
    high: int | None

    def text(self) -> str:
        return f"{self.low:,}+" if self.high is None else f"{self.low:,}–{self.high:,}"

    def place(self, count: int) -> str:
        """``below``, ``within`` or ``above`` the range."""
        if count < self.low:
            return "below"
        if self.high is not None and count > self.high:
            return "above"
        return "within"


@dataclass(frozen=True)
class Guideline:
    name: str
    bands: dict[str, Band]  # by career stage key


GUIDELINE_A = Guideline(
    "Guideline A",
    {
        "student": Band("Student", 50, 100),
        "recent_graduate": Band("Recent graduate", 100, 300),
        "early_career": Band("Young professional", 300, 500),
        "mid_career": Band("Established professional", 500, 1000),
        "executive": Band("Executive/Leader", 1000, None),
    },
)
GUIDELINE_B = Guideline(
    "Guideline B",
    {
        "student": Band("Student", 50, 500),
        "recent_graduate": Band("Recent graduate", 500, 1000),
        "early_career": Band("Early career", 500, 2000),
        "mid_career": Band("Mid-career", 1000, 5000),
        "executive": Band("Executive/Leader", 2000, None),
    },
)
GUIDELINES = (GUIDELINE_A, GUIDELINE_B)

PUBLISHED_INDUSTRY_AVERAGES: dict[str, int] = {
    "Technology": 673,
    "Media & Communications": 612,
    "Financial Services": 588,
    "Consumer Goods": 579,
    "Manufacturing": 567,
    "Healthcare": 553,
}
