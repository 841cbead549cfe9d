//! Core errors as JS `Error`s carrying `code` (and `claim`, `reason`,
//! `payloadJson` for claim failures). The JS wrapper re-throws them as the
//! matching `errors.*` class.

use crate::error::Error;
use js_sys::Object;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

/// A result whose error is a JS value (an `Error` with a `code`).
pub type JsResult<T> = Result<T, JsValue>;

/// Sets a property of an object this crate just made (an `Error`, a plain
/// object), which cannot refuse it: only a throwing setter installed on
/// `Error.prototype` or `Object.prototype` could make this throw, and code
/// that installs one controls the runtime anyway.
pub fn set(target: &Object, key: &str, value: &JsValue) {
    reflect_set(target, &JsValue::from_str(key), value);
}

#[wasm_bindgen]
extern "C" {
    // `Reflect.set`, imported without `catch` (js-sys's has it): the glue
    // then has no exception-catching wrapper at all in the verify-only
    // build, about 160 bytes less gzip with the wasm's side of it.
    #[wasm_bindgen(js_namespace = Reflect, js_name = set)]
    fn reflect_set(target: &Object, key: &JsValue, value: &JsValue) -> bool;
}

/// A JS `Error` with `code`.
pub fn coded(code: &str, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    set(&err, "code", &JsValue::from_str(code));
    err.into()
}

/// Converts a core error.
pub fn to_js_error(e: &Error) -> JsValue {
    let js = coded(e.code(), &e.message());
    if let Error::Claim(c) = e {
        let obj = Object::from(js.clone());
        set(&obj, "claim", &JsValue::from_str(&c.claim));
        set(&obj, "reason", &JsValue::from_str(c.reason.as_str()));
        if let Some(p) = &c.payload {
            set(&obj, "payloadJson", &JsValue::from_str(p));
        }
    }
    #[cfg(feature = "remote")]
    if let Error::Fetch(f) = e {
        if let Some(status) = f.status() {
            set(&Object::from(js.clone()), "status", &JsValue::from(status));
        }
    }
    js
}
