"""ORUK 3.0 example responses (CC BY-SA 4.0): data only."""
