"""Adapters to DynamoDB: each implements the ports its capability declares (``responses.ports``,
``sharing.ports``, ``campaigns.ports``, ``followups.runner.FollowUpStore``, ...). Only the
composition root (``chalicelib.bootstrap``), the local stack and the tests import this package."""
