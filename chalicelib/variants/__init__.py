"""A/B variants of a campaign's texts: which variant a visitor sees (``assignment``), the
campaign in that variant's texts (``texts``), and how the variants compare (``significance``,
``report``). Counting goes with the funnel's counters (``campaigns.funnel.Count.variant``)."""
