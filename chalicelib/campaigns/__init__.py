"""Campaigns: the model, and loading + validating their definition files."""

from chalicelib.campaigns.model import Campaign, ConsentSpec, Option, Question, SmsSpec

__all__ = ["Campaign", "ConsentSpec", "Option", "Question", "SmsSpec"]
