"""Campaigns: the model and the validating loader of their definition files."""

from chalicelib.campaigns.model import Campaign, ConsentSpec, FollowUpStep, Option, Question

__all__ = ["Campaign", "ConsentSpec", "FollowUpStep", "Option", "Question"]
