"""What accounts tells the apps above it, which it does not know: they connect to these
in their AppConfig.ready."""

from django.dispatch import Signal

# A user's clock moved: their timezone or their morning hour changed. Sent, inside the
# transaction that saved it, with `profile` (as saved) and `was`: an unsaved Profile
# with the timezone and the morning hour before.
clock_changed = Signal()
