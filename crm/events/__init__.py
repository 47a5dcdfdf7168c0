"""Events, their sessions, invitations and the public RSVP answers (waitlist included)."""
