"""An in-process TIA Portal model for Linux, CI and demos: not a mock, it enforces TIA's rules."""
