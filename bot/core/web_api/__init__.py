"""How the bot calls Slack's Web API: the clients (`clients.py`), what they retry and how
long they wait (`retries.py`), and the background lanes calls run in after an ack
(`background.py`)."""
