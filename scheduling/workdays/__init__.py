"""Twenty-one calendars: public holidays per country, the consortium's own days off, working
days, each member's working hours and days away, and when a DM may reach whom."""
