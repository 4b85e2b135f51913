// Module Surrogate: see ../../../shared/DESIGN.md for its place in the layering.
