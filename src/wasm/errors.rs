//! Core errors as JS `Error`s carrying `code` (and `claim`, `reason`,
//! `payloadJson` for claim failures). The JS wrapper re-throws them as the
//! matching `errors.*` class.


use crate::error::Error;
use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

/// A result whose error is a JS value (an `Error` with a `code`).
pub type JsResult<T> = Result<T, JsValue>;

/// Sets a property; a failure (frozen object) is ignored since the object
/// is always one we just made.
pub fn set(target: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
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
