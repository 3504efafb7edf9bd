"""What the partnership runs and monitors beyond one case: the fund, reports and their charts,
spreadsheets in and out, the ISP register, retention, and changes to jatac.yaml.

May import: ``jatac.cases`` and everything below it.
"""
