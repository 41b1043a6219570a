"""Domain logic. Services take explicit arguments, flush but never commit."""
