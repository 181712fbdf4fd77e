"""Responses: accept a customer's answer, validate and normalise it, store it once."""
