"""Text stages: cleaning and encodings, sentences, event segments, language detection."""
