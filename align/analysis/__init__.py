"""What segments say: sources cited, facts stated, names across scripts, sentence alignment."""
