//! `serde_json::Value` in and out of [`JsValue`] (feature `serde`): JSON data crosses as the
//! plain data it is in JS (objects and arrays copied, numbers as doubles).

use serde_json::{Map, Number, Value as Json};

use crate::JsValue;

impl From<Json> for JsValue {
    fn from(v: Json) -> JsValue {
        match v {
            Json::Null => JsValue::Null,
            Json::Bool(b) => JsValue::Bool(b),
            Json::Number(n) => JsValue::Number(n.as_f64().unwrap_or(f64::NAN)),
            Json::String(s) => JsValue::from(s),
            Json::Array(items) => JsValue::Array(items.into_iter().map(JsValue::from).collect()),
            Json::Object(map) => {
                JsValue::Object(map.into_iter().map(|(k, v)| (k, v.into())).collect())
            }
        }
    }
}

impl JsValue {
    /// The value as JSON, as `JSON.stringify` would write it: `undefined`, functions and
    /// symbols inside objects are left out (inside arrays and at the top they are `null`),
    /// non-finite numbers are `null`, bytes and typed arrays are arrays of numbers, errors
    /// are `{}`, BigInts are refused by `JSON.stringify` and given here as their decimal
    /// text. Handles are `null`: copy them first with [`crate::Instance::to_data`].
    pub fn to_json(&self) -> Json {
        match self {
            JsValue::Undefined | JsValue::Null => Json::Null,
            JsValue::Function(_) | JsValue::Symbol(_) | JsValue::Handle(_) => Json::Null,
            JsValue::Bool(b) => Json::Bool(*b),
            JsValue::Number(n) => Number::from_f64(*n).map_or(Json::Null, |n| {
                // Integral doubles print without a fraction, as in JS.
                match n.as_f64() {
                    Some(f) if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 => {
                        Json::from(f as i64)
                    }
                    _ => Json::Number(n),
                }
            }),
            JsValue::String(s) => Json::String(s.to_string_lossy().into_owned()),
            JsValue::BigInt(digits) => Json::String(digits.clone()),
            JsValue::Bytes(b) => Json::Array(b.iter().map(|&x| Json::from(x)).collect()),
            JsValue::Typed(_, items) => Json::Array(
                items
                    .iter()
                    .map(|n| JsValue::Number(*n).to_json())
                    .collect(),
            ),
            JsValue::Array(items) => Json::Array(items.iter().map(JsValue::to_json).collect()),
            JsValue::Object(pairs) => Json::Object(
                pairs
                    .iter()
                    .filter(|(_, v)| {
                        !matches!(
                            v,
                            JsValue::Undefined | JsValue::Function(_) | JsValue::Symbol(_)
                        )
                    })
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect::<Map<_, _>>(),
            ),
            JsValue::Error(_) => Json::Object(Map::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trips_as_plain_data() {
        let json: Json = serde_json::json!({"a": [1, 2.5, null, true], "b": {"c": "text"}});
        let v = JsValue::from(json.clone());
        assert_eq!(v.to_json(), json);
        let with_gaps = JsValue::object([
            ("keep", JsValue::from(1)),
            ("skip", JsValue::Undefined),
            ("nan", JsValue::Number(f64::NAN)),
        ]);
        assert_eq!(
            with_gaps.to_json(),
            serde_json::json!({"keep": 1, "nan": null})
        );
    }
}
