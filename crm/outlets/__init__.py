"""Outlets (médias): newspapers, radios, TV channels, websites, agencies."""
