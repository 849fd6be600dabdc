//! The keyword checks on one token: its kind, string lengths and choices, numeric bounds
//! compared only when exact.

use serde_json::Value;

use super::tokens::{NumberToken, StringToken};
use crate::validate::plan::{Bound, Node};

/// The integers an `f64` holds exactly.
const EXACT_IN_F64: i128 = 1 << 53;

pub(super) fn accepts_kind(node: &Node, bits: u8) -> Option<()> {
    (node.types == 0 || node.types & bits != 0).then_some(())
}

pub(super) fn check_string(node: &Node, text: &[u8], string: &StringToken) -> Option<()> {
    if string.chars < node.min_length || string.chars > node.max_length {
        return None;
    }
    if node.choices.is_empty() && node.string_check.is_none() {
        return Some(());
    }
    let value = string.value(text)?;
    for choices in &node.choices {
        choices
            .iter()
            .any(|choice| choice.as_str() == Some(&*value))
            .then_some(())?;
    }
    match &node.string_check {
        Some(check) => check
            .is_valid(&Value::String(value.into_owned()))
            .then_some(()),
        None => Some(()),
    }
}

pub(super) fn check_number(node: &Node, number: &NumberToken) -> Option<()> {
    if node.bounds.is_empty() && node.choices.is_empty() {
        return Some(());
    }
    // serde_json reads floats to within a unit in the last place: not exact enough to compare.
    let value = number.integer?;
    for bound in &node.bounds {
        within(value, bound)?;
    }
    for choices in &node.choices {
        choices
            .iter()
            .any(|choice| {
                choice.as_number().and_then(exact) == Some(value) || equal_float(choice, value)
            })
            .then_some(())?;
    }
    Some(())
}

/// A JSON number as an exact integer, when it is one serde_json holds as an integer.
fn exact(number: &serde_json::Number) -> Option<i128> {
    number
        .as_i64()
        .map(i128::from)
        .or_else(|| number.as_u64().map(i128::from))
}

fn equal_float(choice: &Value, value: i128) -> bool {
    choice
        .as_number()
        .filter(|n| exact(n).is_none())
        .and_then(serde_json::Number::as_f64)
        .is_some_and(|f| value.abs() <= EXACT_IN_F64 && f == value as f64)
}

fn within(value: i128, bound: &Bound) -> Option<()> {
    let ordering = match exact(&bound.limit) {
        Some(limit) => value.cmp(&limit),
        None => {
            if value.abs() > EXACT_IN_F64 {
                return None;
            }
            (value as f64).partial_cmp(&bound.limit.as_f64()?)?
        }
    };
    use std::cmp::Ordering::*;
    let ok = match (bound.below, bound.exclusive) {
        (true, false) => ordering != Greater,
        (true, true) => ordering == Less,
        (false, false) => ordering != Less,
        (false, true) => ordering == Greater,
    };
    ok.then_some(())
}

pub(super) fn same_literal(choice: &Value, literal: &[u8]) -> bool {
    match choice {
        Value::Bool(true) => literal == b"true",
        Value::Bool(false) => literal == b"false",
        Value::Null => literal == b"null",
        _ => false,
    }
}
