"""Topics the countries propose for an occurrence, and its agenda: drafted for the
coordinators a few days before, edited, published to the meeting's channel."""
