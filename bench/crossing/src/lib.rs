//! A claims set held in Rust both ways the package could hand it to JS,
//! exported to bench/crossing.mjs.
#![allow(missing_docs)]

use wasm_bindgen::prelude::*;

/// Claims as the package's token cache holds them: the JSON text as
/// decoded, and its parse.
#[wasm_bindgen]
pub struct Claims {
    text: String,
    value: serde_json::Value,
}

#[wasm_bindgen]
impl Claims {
    #[wasm_bindgen(constructor)]
    pub fn new(text: &str) -> Claims {
        Claims { text: text.to_owned(), value: serde_json::from_str(text).unwrap_or_default() }
    }

    /// The JSON text (the JS side parses it): what the package does.
    pub fn text(&self) -> String {
        self.text.clone()
    }

    /// A JS object built by serde-wasm-bindgen (objects as objects, as
    /// JSON.parse makes them).
    pub fn object(&self) -> JsValue {
        serde::Serialize::serialize(&self.value, &serde_wasm_bindgen::Serializer::json_compatible()).unwrap_or(JsValue::NULL)
    }
}
