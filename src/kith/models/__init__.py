"""ORM models. Importing this package registers every table on ``Base.metadata``."""

from kith.models.auth import AuthToken, SigninAttempt
from kith.models.community import CommunitySetting
from kith.models.connections import (
    OPEN_STATUSES,
    SENDER_PENDING_STATUSES,
    SILENT_STATUSES,
    Block,
    Connection,
    Follow,
    Invitation,
    NetworkOutbox,
)
from kith.models.endorsements import (
    Endorsement,
    EndorsementPrompt,
    EndorsementSetting,
    ImportedEndorsement,
    SkillChoice,
)
from kith.models.insights import CommunityInsightsResult
from kith.models.introductions import (
    INTRODUCTION_STATUSES,
    IntroductionOptOut,
    IntroductionRequest,
)
from kith.models.mail import MAIL_STATUSES, EmailLink, MailOutbox, MailSettings
from kith.models.members import Company, Education, Member, MemberSkill, Position, School, Skill
from kith.models.moderation import ModerationAction
from kith.models.notifications import Notification
from kith.models.posts import (
    AUDIENCES,
    REACTIONS,
    REPORT_REASONS,
    Comment,
    ContentReport,
    FeedFewer,
    FeedHide,
    Post,
    PostImage,
    PostImpression,
    PostMention,
    Reaction,
)
from kith.models.recommendations import (
    RECOMMENDATION_RELATIONSHIPS,
    RECOMMENDATION_STATUSES,
    ImportedRecommendation,
    Recommendation,
)
from kith.models.relationships import (
    Contact,
    ContactNote,
    ContactTag,
    Conversation,
    FollowUp,
    ImportRun,
    Interaction,
    Message,
    Tag,
    Tier,
)
from kith.models.search import SearchDocument, SuggestionSeen
from kith.models.second_factor import LinkedIdentity, RecoveryCode, TwoFactor

__all__ = [
    "AUDIENCES",
    "REACTIONS",
    "REPORT_REASONS",
    "Comment",
    "ContentReport",
    "FeedFewer",
    "FeedHide",
    "Post",
    "PostImage",
    "PostImpression",
    "PostMention",
    "Reaction",
    "Contact",
    "ContactNote",
    "ContactTag",
    "Conversation",
    "FollowUp",
    "ImportRun",
    "Interaction",
    "Message",
    "Tag",
    "Tier",
    "OPEN_STATUSES",
    "SENDER_PENDING_STATUSES",
    "SILENT_STATUSES",
    "AuthToken",
    "Block",
    "CommunityInsightsResult",
    "Company",
    "Connection",
    "Education",
    "Follow",
    "Invitation",
    "Member",
    "MemberSkill",
    "ModerationAction",
    "CommunitySetting",
    "NetworkOutbox",
    "Notification",
    "Position",
    "School",
    "SearchDocument",
    "SigninAttempt",
    "Skill",
    "SuggestionSeen",
    "Endorsement",
    "LinkedIdentity",
    "RecoveryCode",
    "TwoFactor",
    "EndorsementPrompt",
    "EndorsementSetting",
    "ImportedEndorsement",
    "SkillChoice",
    "RECOMMENDATION_RELATIONSHIPS",
    "RECOMMENDATION_STATUSES",
    "ImportedRecommendation",
    "Recommendation",
    "INTRODUCTION_STATUSES",
    "IntroductionOptOut",
    "IntroductionRequest",
    "MAIL_STATUSES",
    "EmailLink",
    "MailOutbox",
    "MailSettings",
]
