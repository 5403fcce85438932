"""The SQL of personal data: where a member's data lives, what retention deletes, and (for
access and erasure) reading and removing one member's rows."""
