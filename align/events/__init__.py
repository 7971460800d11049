"""Events: links between segments of different outlets, the one event builder, the one event view."""
