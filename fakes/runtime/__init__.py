"""The simulated PLC: program images, memory, a code generator for SCL and LAD/FBD, system instructions and
the CPU with its operating states (see README.md)."""
