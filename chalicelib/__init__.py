"""Samvad: a serverless, multilingual interactive-marketing backend."""
