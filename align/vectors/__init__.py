"""Vector stages: embedding, language centring, nearest-neighbour indexes."""
