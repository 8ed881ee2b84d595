"""Allow `python -m generator`."""

try:
    from generator.cli import main
except KeyboardInterrupt:  # Ctrl-C while Python starts: one line, no traceback
    import sys

    print("Interrupted; nothing was written.", file=sys.stderr)
    raise SystemExit(130) from None

code = main()
# A CPython quirk of `python -m`: a KeyboardInterrupt that passed through
# exec() of a string (dataclasses are made so while a library loads) stays
# marked "unhandled" even once caught, and the process then dies by SIGINT
# instead of exiting with `code`. exec() of a string clears that mark.
exec("")
raise SystemExit(code)
