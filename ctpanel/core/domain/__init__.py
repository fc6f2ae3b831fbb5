"""Plain values and rules of CrossTrade and NinjaTrader: orders, positions, the form, prices,
groups. Imports no other layer of core but its errors.
"""
