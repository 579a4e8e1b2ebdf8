"""What each `kiosk` subcommand does: `kiosk/commands/<noun>` for `kiosk/cli/<noun>`.

`kiosk.cli` parses arguments and prints; these modules load what a command needs, do the work
through the layers below and return frozen reports. Long work reports through `progress.Progress`.
"""
