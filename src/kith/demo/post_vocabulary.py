"""Words for the demo's posts and comments: what people in each industry talk about."""

from __future__ import annotations

# Per industry: (a thing one's team shipped or did, a question to peers, a topic to read on)
TOPICS: dict[str, tuple[list[str], list[str], list[str]]] = {
    "Technology": (
        [
            "a new search engine for our docs",
            "our first open-source library",
            "a 40% faster checkout",
        ],
        [
            "how do you keep on-call sustainable for a team of six?",
            "what is your go-to resource for learning Rust?",
            "monorepo or many repos, five years in: what would you choose again?",
        ],
        ["platform engineering", "LLM evaluation", "database migrations without downtime"],
    ),
    "Media & Communications": (
        [
            "a podcast series on local news",
            "our newsroom's new data desk",
            "a documentary premiere",
        ],
        [
            "which newsletter tools have worked for small publishers?",
            "how do you measure the reach of a long-form piece?",
            "any advice on pitching to international outlets?",
        ],
        ["the future of local journalism", "audio storytelling", "audience trust"],
    ),
    "Financial Services": (
        [
            "a faster way to open accounts",
            "our annual risk report",
            "an app for first-time investors",
        ],
        [
            "how is your team approaching the new reporting rules?",
            "what skills do you look for in junior analysts now?",
            "which forecasting models held up best this year?",
        ],
        ["open banking", "climate risk in portfolios", "real-time payments"],
    ),
    "Consumer Goods": (
        [
            "refillable packaging in 200 stores",
            "a new line of plant-based snacks",
            "our spring collection",
        ],
        [
            "how do you test a product idea with customers in a week?",
            "what has worked for you in retail partnerships?",
            "any favourite tools for demand planning?",
        ],
        ["sustainable packaging", "direct-to-consumer brands", "shopper research"],
    ),
    "Manufacturing": (
        [
            "a second production line",
            "zero-waste certification for our plant",
            "predictive maintenance on the floor",
        ],
        [
            "how do you bring digital twins to an older plant?",
            "what is your approach to safety training for new hires?",
            "any lessons from reshoring production?",
        ],
        ["lean manufacturing", "industrial automation", "supply chain resilience"],
    ),
    "Healthcare": (
        [
            "a telehealth service for rural patients",
            "our new outpatient clinic",
            "shorter waiting times in the ER",
        ],
        [
            "how are you reducing burnout in clinical teams?",
            "what has helped patients use digital tools?",
            "which research on preventive care impressed you lately?",
        ],
        ["digital health", "patient safety", "public health data"],
    ),
    "Education": (
        [
            "a mentoring programme for first-year students",
            "our open course on statistics",
            "a new maker space",
        ],
        [
            "how do you use AI tools in class, if at all?",
            "what keeps online learners engaged to the end?",
            "any good reads on assessment design?",
        ],
        ["learning science", "lifelong learning", "education technology"],
    ),
    "Government": (
        [
            "a simpler permit application",
            "open data on city budgets",
            "a new digital service for residents",
        ],
        [
            "how do you run user research in the public sector?",
            "what made your last procurement go smoothly?",
            "how are cities measuring the impact of climate plans?",
        ],
        ["digital public services", "open government", "civic participation"],
    ),
    "Non-profit": (
        [
            "our largest fundraising campaign yet",
            "a volunteer app for our chapters",
            "a literacy programme in three cities",
        ],
        [
            "how do you keep volunteers coming back?",
            "what grant-writing advice would you give a small team?",
            "which impact metrics do your donors value most?",
        ],
        ["impact measurement", "volunteer engagement", "community fundraising"],
    ),
    "Professional Services": (
        [
            "a new practice for data strategy",
            "our client satisfaction survey results",
            "an office in Lisbon",
        ],
        [
            "how do you price advisory work these days?",
            "what onboarding has worked for new consultants?",
            "how do you share knowledge across a growing firm?",
        ],
        ["the future of consulting", "client relationships", "knowledge management"],
    ),
    "Energy": (
        ["a 50 MW solar park", "battery storage for the grid", "our first green hydrogen pilot"],
        [
            "what is the biggest hurdle for grid connections where you work?",
            "how are you hiring for the energy transition?",
            "any good data sources on wind capacity?",
        ],
        ["the energy transition", "grid flexibility", "offshore wind"],
    ),
    "Real Estate": (
        [
            "a net-zero office retrofit",
            "affordable housing with a city partner",
            "our new property app",
        ],
        [
            "how are you adapting offices to hybrid work?",
            "what is working in tenant engagement?",
            "which proptech tools have paid off for you?",
        ],
        ["sustainable buildings", "the future of offices", "housing affordability"],
    ),
}

NEWS = [
    "Proud of our team at {company}: we just launched {thing}. "
    "It took a year of hard work and a lot of coffee.",
    "Big milestone at {company} this week: {thing}. Thank you to everyone who made it happen!",
    "Quick update from {company}: {thing} is live. Feedback very welcome.",
]
JOB = [
    "Some personal news: I'm starting a new position as {title} at {company}! "
    "Grateful for everyone who helped along the way.",
    "Happy to share that I've joined {company} as {title}. Looking forward to this next chapter.",
    "New role, new adventure: {title} at {company}. If you're in {place}, let's grab a coffee.",
]
QUESTIONS = [
    "A question for my network: {question}",
    "Fellow {industry} folks, {question} Curious to hear what has worked for you.",
    "Crowdsourcing ideas: {question}",
]
ARTICLES = [
    "Worth a read on {topic}: {url}",
    "This piece on {topic} changed how I think about our work. {url}",
    "Sharing a thoughtful article on {topic}: {url} What do you think?",
]
MENTIONS = [
    " Thanks to @{handle} for the great conversation that started this.",
    " @{handle}, you'll like this one.",
    " Great working on this with @{handle}.",
]

COMMENTS = [
    "Congratulations, {first}! Well deserved.",
    "Great news, {first}!",
    "Thanks for sharing, this is really useful.",
    "Interesting perspective. We've seen the same at our company.",
    "Love this! Let's catch up soon.",
    "Such an achievement, congrats to the whole team.",
    "Good question. We tried a few approaches, happy to compare notes.",
    "Bookmarking this for later, thank you.",
    "Couldn't agree more.",
    "Very insightful, {first}.",
]
JOB_COMMENTS = [
    "Congratulations on the new role, {first}!",
    "{company} is lucky to have you!",
    "Congrats {first}, exciting times!",
    "Best of luck in the new position!",
]
REPLIES = [
    "Thank you, {first}!",
    "Thanks {first}, appreciate it.",
    "Agreed, let's talk next week.",
    "Happy to share more, send me a message.",
    "Good point, {first}.",
]
