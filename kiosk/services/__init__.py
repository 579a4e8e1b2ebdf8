"""Services the GUI and the CLI share, joining store, vision and recommend (no Qt here):
enrolment, suggestions."""
