"""Contests: rounds over quizzes, each round's ranking, and its prize list."""
