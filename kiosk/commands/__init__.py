"""What each `kiosk` subcommand does, joining camera, vision, store and recommend.

`kiosk.cli` parses arguments and prints; these modules do the work and return frozen reports.
"""
