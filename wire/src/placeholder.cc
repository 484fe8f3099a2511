// Replaced by the wire codecs.
