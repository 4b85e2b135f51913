// Module TraceIO: see ../../../shared/DESIGN.md for its place in the layering.
