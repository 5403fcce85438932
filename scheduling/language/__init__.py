"""How people write things, read into values: words and quotes, dates, times of day and
durations, and the closest known word when one is misspelt.

Dates read the European way (`03/04/2027` is 3 April) and relative to a `today` the caller
passes in (their own zone's date); nothing here reads a clock.
"""
