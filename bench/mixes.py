"""What a session of the load asks for, and how often: bench/load.py's sessions pick
their next action with these weights, and bench/mix.py replays the pages among them
in one process. Standard library only, as load.py."""

HEAVY_MIX = {
    "dashboard": 20, "poll": 5, "contacts": 8, "search": 6, "contact": 18, "hub": 1,
    "focus": 1, "meetings": 6, "meeting": 6, "leads": 3, "insights": 2, "events": 2,
    "organizations": 2, "done": 6, "snooze": 3, "log_meeting": 3, "add_contact": 2,
}
ORDINARY_MIX = HEAVY_MIX | {"hub": 0, "focus": 1}
FRAGMENTS = ["son", "mar", "lee", "ann", "kim", "ali", "an", "rob", "eva", "chen"]
