//! Text made from a named value (a schema's JSON, a type's TypeScript), kept from one run of
//! `pikku --watch` to the next: taken again unless the value was made anew.

use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct TextCache {
    last_run: HashMap<String, String>,
    this_run: HashMap<String, String>,
}

impl TextCache {
    /// The text of `name`: the last run's unless `changed`, else `make`'s.
    pub fn text(&mut self, name: &str, changed: bool, make: impl FnOnce() -> String) -> String {
        let text = match self.last_run.remove(name).filter(|_| !changed) {
            Some(text) => text,
            None => make(),
        };
        self.this_run.insert(name.to_owned(), text.clone());
        text
    }

    /// Ends a run: what it made is what the next may take.
    pub fn end_run(&mut self) {
        self.last_run = std::mem::take(&mut self.this_run);
    }

    /// Forgets every text (their names no longer mean the same).
    pub fn clear(&mut self) {
        self.last_run.clear();
        self.this_run.clear();
    }
}
