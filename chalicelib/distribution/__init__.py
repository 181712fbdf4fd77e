"""Getting a campaign in front of customers: printable QR codes of its public links."""
