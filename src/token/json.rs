//! A JSON parse that rejects duplicate member names at every depth.
//!
//! RFC 7515 section 5.2 and RFC 7519 section 4 allow a JWS to be rejected when a header or
//! claims object repeats a name. Parsers disagree on which copy wins, so a token that repeats
//! `sub` or `alg` could mean one thing to this verifier and another to a downstream service.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// The reason a JSON text was rejected.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ParseError {
    /// Not valid JSON.
    Invalid,
    /// Valid JSON, but an object repeats a member name.
    Duplicate,
}

const DUPLICATE: &str = "duplicate member name";

struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // serde_json never produces a non-finite float, so `from_f64` always succeeds.
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(name) = map.next_key::<String>()? {
            let Strict(value) = map.next_value()?;
            if members.insert(name, value).is_some() {
                return Err(de::Error::custom(DUPLICATE));
            }
        }
        Ok(Value::Object(members))
    }
}

/// Parses JSON text and rejects any object that repeats a member name.
pub(crate) fn parse(bytes: &[u8]) -> Result<Value, ParseError> {
    match serde_json::from_slice::<Strict>(bytes) {
        Ok(Strict(value)) => Ok(value),
        Err(error) if error.to_string().starts_with(DUPLICATE) => Err(ParseError::Duplicate),
        Err(_) => Err(ParseError::Invalid),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_distinct_names() {
        let value = parse(br#"{"a":1,"b":[{"a":2}],"c":{"a":3}}"#).unwrap();
        assert_eq!(value["b"][0]["a"], 2);
        assert_eq!(value["c"]["a"], 3);
    }

    #[test]
    fn parse_rejects_duplicates_at_any_depth() {
        assert_eq!(parse(br#"{"sub":"a","sub":"b"}"#), Err(ParseError::Duplicate));
        assert_eq!(parse(br#"{"x":{"k":1,"k":1}}"#), Err(ParseError::Duplicate));
        assert_eq!(parse(br#"{"x":[{"k":1,"k":2}]}"#), Err(ParseError::Duplicate));
    }

    #[test]
    fn parse_rejects_escaped_duplicate() {
        // "\u0073ub" is "sub" after unescaping.
        assert_eq!(parse(br#"{"sub":"a","\u0073ub":"b"}"#), Err(ParseError::Duplicate));
    }

    #[test]
    fn parse_rejects_invalid_json() {
        assert_eq!(parse(b"{"), Err(ParseError::Invalid));
        assert_eq!(parse(br#"{"a":1} x"#), Err(ParseError::Invalid));
        assert_eq!(parse(b"\xff"), Err(ParseError::Invalid));
    }
}
