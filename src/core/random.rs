//! Randomness as an input: the browser passes its CSPRNG, tests pass a scripted source.
//! Imports nothing; must not import `getrandom` or any platform crate (the shell's CSPRNG implements [`Random`]).

/// A source of random bytes (the browser's `crypto.getRandomValues`, or a fixed sequence in tests).
pub trait Random {
    /// Fills `buf` with random bytes.
    fn fill(&mut self, buf: &mut [u8]);
}

/// A deterministic source for tests: yields `seed, seed+1, …` byte by byte.
#[derive(Debug, Default)]
pub struct CountingRandom {
    /// The next byte to yield.
    pub next: u8,
}

impl Random for CountingRandom {
    fn fill(&mut self, buf: &mut [u8]) {
        for byte in buf.iter_mut() {
            *byte = self.next;
            self.next = self.next.wrapping_add(1);
        }
    }
}
