//! The size floor: a class with a constructor and one method, strings in and out (what the real
//! `Analytics` export does per call), and nothing else.
use wasm_bindgen::prelude::*;

/// Holds one string.
#[wasm_bindgen]
pub struct Floor {
    text: String,
}

#[wasm_bindgen]
impl Floor {
    /// Keeps the options text.
    #[wasm_bindgen(constructor)]
    pub fn new(options: String) -> Floor {
        Floor { text: options }
    }

    /// Appends the arguments and returns the whole text.
    pub fn build(&mut self, a: &str, b: Option<String>) -> Option<String> {
        self.text.push_str(a);
        if let Some(b) = b {
            self.text.push_str(&b);
        }
        Some(self.text.clone())
    }
}
