"""``samvad``: the marketers' and operators' command line (not packaged into Lambda)."""
