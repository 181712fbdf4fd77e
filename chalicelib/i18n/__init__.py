"""Locales: negotiation, gettext catalogs, and Babel formatting in the customer's locale."""
