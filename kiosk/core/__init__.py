"""Pure Python + numpy: result types and the rules between frames. No frameworks here."""
