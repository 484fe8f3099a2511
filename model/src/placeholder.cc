// Replaced by the model implementation.
