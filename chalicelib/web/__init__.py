"""The customer-facing web: requests in, localized server-rendered pages out."""
