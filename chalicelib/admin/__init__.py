"""What marketers do with campaigns, shared by the ``samvad`` command and the admin API.

Every function takes the app's services and returns plain data (JSON-ready), so the command
can run against DynamoDB directly or against a deployed admin API and print the same thing.
"""
