"""Follow-up messages: what to send after a response, and sending it through SNS."""
