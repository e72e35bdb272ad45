"""The bad-input corpus: every way an input can be wrong, each with the error it must end in."""
