"""Figures: one module per figure, each returns a plotly Figure and writes nothing."""
