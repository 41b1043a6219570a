"""Taking a quiz: an attempt's lifecycle, what it froze at its start, grading, what the member sees."""
