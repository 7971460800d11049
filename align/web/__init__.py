"""The pages people read, rendered for the server and for the static batch report alike."""
