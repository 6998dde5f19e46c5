//! Envelope rule tests.
