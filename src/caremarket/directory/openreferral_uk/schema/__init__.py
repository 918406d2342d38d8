"""ORUK 3.0 JSON schemas (CC BY-SA 4.0): data only."""
