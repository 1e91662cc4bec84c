"""Data package: the shipped block templates (*.json), read by :mod:`simatic_xml.generate.catalog`."""
