"""What the kiosk does, with no Qt: the shopper session (visits, suggestions, greeting), guided
enrolment, people import, staff access, demo mode and scratch kiosks. The GUI, the CLI, the
self-test and the benchmarks all drive these same objects."""
